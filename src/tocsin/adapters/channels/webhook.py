"""Outbound webhooks: one JSON event per POST, signed so receivers can verify it.

Headers (see ``docs/webhooks.md`` for the receiver's side)::

    Content-Type: application/json
    X-Tocsin-Event: acknowledged
    X-Tocsin-Delivery: notify:42:3:chatops:webhook      (idempotency key: dedupe on it)
    X-Tocsin-Possible-Repeat: true                      (only on a send that may be a repeat)
    X-Tocsin-Timestamp: 1700000000                      (unix seconds)
    X-Tocsin-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>

Any 2xx is success; anything else (or a transport error) raises ``DeliveryFailed`` and the job
is retried with backoff, then dead-lettered. The HTTP transport is injectable (tests use
``httpx.MockTransport`` or a local server).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from tocsin.domain.delivery import DeliveryFailed, too_many_requests
from tocsin.domain.notification import Notification

SIGNATURE_HEADER = "X-Tocsin-Signature"
TIMESTAMP_HEADER = "X-Tocsin-Timestamp"


@dataclass(frozen=True)
class Endpoint:
    url: str
    secret: str | None = field(default=None, repr=False)
    timeout: float = 10.0


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``"<timestamp>." + body``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (constant-time); also check the timestamp is recent."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def event_body(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.key,
        "event": notification.trigger.value,
        "purpose": notification.purpose.value,
        "at": notification.at.isoformat(),
        "text": notification.text,
        "step": notification.step,
        "incident": {
            "id": notification.incident_id,
            "title": notification.title,
            "severity": notification.severity,
            "phase": notification.phase,
            "url": notification.url,
            **({"drill": True} if notification.drill else {}),  # only on drills (tocsin drill)
        },
    }


class WebhookChannel:
    name = "webhook"

    def __init__(
        self,
        endpoints: Mapping[str, Endpoint],
        *,
        now: Callable[[], datetime],
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._endpoints = dict(endpoints)
        self._now = now
        self._transport = transport

    def send(self, notification: Notification, key: str) -> str:
        endpoint = self._endpoints.get(notification.recipient)
        if endpoint is None:
            raise DeliveryFailed(f"webhook {notification.recipient!r} is not configured")
        body = json.dumps(event_body(notification), separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(self._now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "tocsin",
            "X-Tocsin-Event": notification.trigger.value,
            "X-Tocsin-Delivery": key,
            TIMESTAMP_HEADER: timestamp,
        }
        if notification.possible_repeat:
            headers["X-Tocsin-Possible-Repeat"] = "true"
        if endpoint.secret:
            headers[SIGNATURE_HEADER] = sign(endpoint.secret, timestamp, body)
        try:
            with httpx.Client(transport=self._transport, timeout=endpoint.timeout) as client:
                response = client.post(endpoint.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook {notification.recipient}: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise too_many_requests(f"webhook {notification.recipient}", response.headers.get("retry-after"))
        if not response.is_success:
            raise DeliveryFailed(f"webhook {notification.recipient}: HTTP {response.status_code}")
        return f"HTTP {response.status_code}"
