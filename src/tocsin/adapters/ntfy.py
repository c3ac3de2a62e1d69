"""Phone push through ntfy (https://ntfy.sh or a self-hosted server): one JSON publish per
page, ``POST {server_url}/`` with the topic in the body (ntfy's "publish as JSON")::

    {"topic": "nora-pages", "title": "[P0] #12 API down", "message": "…", "priority": 5,
     "tags": ["rotating_light"], "click": "https://tocsin.example.org/incidents/12",
     "actions": [{"action": "http", "label": "Acknowledge", "url": "<ack link>",
                  "method": "POST", "clear": true}, {… "Escalate" …}]}

Priority 5 ("urgent": a long vibration, through do-not-disturb where allowed) for P0/P1, 3
(default) otherwise. The action buttons use the page's personal single-use links
(``notification.ack_url``/``escalate_url``) and appear only when the page carries them. The
access token goes in ``Authorization: Bearer``; ``X-Tocsin-Delivery`` carries the notification
key. The reference is ntfy's message id.

ntfy unreachable, a 5xx or a 429 raise ``DeliveryFailed`` (retried; a 429 naming its wait is a
``RetryAfter``, run again after it); any other 4xx (an unknown
or forbidden topic, a bad token) raises ``Undeliverable`` with ntfy's error code and text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from tocsin.adapters.twilio import headline
from tocsin.domain.delivery import DeliveryFailed, Undeliverable, too_many_requests
from tocsin.domain.notification import Notification, Purpose
from tocsin.platform.i18n import gettext as _

URGENT = frozenset({"P0", "P1"})
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")  # ntfy's topic rule


@dataclass(frozen=True)
class NtfyOptions:
    server_url: str
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0


def priority(notification: Notification) -> int:
    return 5 if notification.severity.upper() in URGENT else 3


def message(notification: Notification) -> dict[str, Any]:
    """The JSON ntfy publishes."""
    page = notification.purpose is Purpose.PAGE
    fyi = _("FYI")
    body: dict[str, Any] = {
        "topic": notification.address,
        "title": headline(notification) if page else f"[{fyi}] {headline(notification)}",
        "message": notification.text or notification.trigger.value,
        "priority": priority(notification) if page else 3,
        "tags": ["rotating_light"] if page else ["information_source"],
    }
    if notification.url:
        body["click"] = notification.url
    actions = [
        {"action": "http", "label": label, "url": url, "method": "POST", "clear": True}
        for label, url in (
            (_("Acknowledge"), notification.ack_url),
            (_("Escalate"), notification.escalate_url),
        )
        if page and url
    ]
    if actions:
        body["actions"] = actions
    return body


class PushChannel:
    name = "push"

    def __init__(self, options: NtfyOptions, *, transport: httpx.BaseTransport | None = None) -> None:
        self._options = options
        self._transport = transport

    def send(self, notification: Notification, key: str) -> str:
        what = f"ntfy push to {notification.address}"
        if not TOPIC.match(notification.address):
            raise Undeliverable(f"{what}: not an ntfy topic (letters, digits, - and _, at most 64)")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "tocsin",
            "X-Tocsin-Delivery": key,
        }
        if self._options.token:
            headers["Authorization"] = f"Bearer {self._options.token}"
        body = json.dumps(message(notification), ensure_ascii=False).encode()
        try:
            with httpx.Client(transport=self._transport, timeout=self._options.timeout) as client:
                response = client.post(
                    self._options.server_url.rstrip("/") + "/", content=body, headers=headers
                )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{what}: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise too_many_requests(what, response.headers.get("retry-after"))
        if response.status_code >= 500:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise Undeliverable(f"{what}: HTTP {response.status_code}{_ntfy_error(response)}")
        if not response.is_success:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code}")
        ident = _json(response).get("id")
        return ident if isinstance(ident, str) and ident else f"HTTP {response.status_code}"


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _ntfy_error(response: httpx.Response) -> str:
    """``, ntfy error 40301: forbidden`` from ntfy's error body."""
    data = _json(response)
    code, error = data.get("code"), data.get("error")
    text = f", ntfy error {code}" if code is not None else ""
    return text + (f": {str(error)[:200]}" if error else "")
