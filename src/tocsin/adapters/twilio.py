"""SMS and voice calls through Twilio's REST API (``/2010-04-01``), form-encoded, HTTP Basic
auth with the account SID and auth token; the base URL is configurable so a compatible
provider or the test fake (``tests/twilio_fake.py``) can stand in.

- ``SmsChannel`` ("sms") creates a Message: ``To``, ``From``, ``Body``, ``StatusCallback``.
- ``VoiceChannel`` ("voice") creates a Call with inline ``Twiml`` (built with the ``twilio``
  library's ``VoiceResponse``/``Gather``: press 1 to acknowledge, 2 to escalate) and a
  ``StatusCallback`` for every call event.

Both callbacks are ``{server.base_url}/hooks/twilio/…?key=<notification key>``
(``web/twilio_hook.py``): Twilio signs them for that URL, so a verified callback is about that
page. The reference returned is Twilio's SID (SM…/CA…).

Twilio unreachable, a 5xx or a 429 raise ``DeliveryFailed`` (retried with back-off; a 429 naming
its wait is a ``RetryAfter``, run again after it); any other
4xx (a bad number, a number that cannot receive SMS) raises ``Undeliverable`` carrying Twilio's
error code and message — never the auth token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from twilio.twiml.voice_response import Gather, VoiceResponse

from tocsin.adapters.channels.templates import trigger_label
from tocsin.domain.delivery import DeliveryFailed, Undeliverable, too_many_requests
from tocsin.domain.notification import POSSIBLE_REPEAT, Notification, Purpose
from tocsin.platform.i18n import gettext as _
from tocsin.platform.i18n import language

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
API_VERSION = "2010-04-01"
CALL_EVENTS = ("initiated", "ringing", "answered", "completed")
TITLE_LIMIT = 120
RING_SECONDS = 30
VOICES = {"en": "en-US", "fr": "fr-FR"}  # <Say language=…>: the language the text is read in


@dataclass(frozen=True)
class TwilioOptions:
    account_sid: str
    auth_token: str = field(repr=False)
    from_number: str
    public_url: str
    """``server.base_url``: where Twilio calls tocsin back."""
    base_url: str = "https://api.twilio.com"
    timeout: float = 10.0

    def resource(self, name: str) -> str:
        return f"{self.base_url.rstrip('/')}/{API_VERSION}/Accounts/{self.account_sid}/{name}.json"

    def hook(self, path: str, key: str) -> str:
        return f"{self.public_url.rstrip('/')}/hooks/twilio/{path}?{urlencode({'key': key})}"


def headline(notification: Notification) -> str:
    """``[P0] #12 API down`` (with the drill and possible-repeat marks)."""
    title = notification.title
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1] + "…"
    drill = "[DRILL] " if notification.drill else ""
    repeat = f"{POSSIBLE_REPEAT} " if notification.possible_repeat else ""
    return f"{repeat}{drill}[{notification.severity}] #{notification.incident_id} {title}"


def sms_body(notification: Notification) -> str:
    """A page asks for a reply (1 acknowledges, 2 escalates) and carries the personal
    acknowledge link when there is one; an FYI says what happened. In the worker's language."""
    if notification.purpose is not Purpose.PAGE:
        fyi = _("FYI")
        lines = [f"[{fyi}] {headline(notification)} — {trigger_label(notification)}"]
    else:
        ask = _("reply 1 to acknowledge, 2 to escalate")
        lines = [f"{headline(notification)} — {ask}"]
        if notification.ack_url:
            lines.append(_("Acknowledge: {url}").format(url=notification.ack_url))
    if notification.url:
        lines.append(notification.url)
    return "\n".join(lines)


def voice() -> str:
    """The ``language`` of ``<Say>`` for the current language."""
    return VOICES.get(language(), VOICES["en"])


def spoken(notification: Notification) -> str:
    drill = _("Drill.") + " " if notification.drill else ""
    return drill + _("This is tocsin. {severity} incident {id}: {title}.").format(
        severity=notification.severity, id=notification.incident_id, title=notification.title[:TITLE_LIMIT]
    )


def call_twiml(notification: Notification, action_url: str) -> str:
    """The call's TwiML: a page gathers one key (1 acknowledges, 2 escalates) posted to
    ``action_url``; an FYI only speaks."""
    response = VoiceResponse()
    if notification.purpose is not Purpose.PAGE:
        response.say(
            f"{spoken(notification)} {trigger_label(notification).replace('_', ' ')}.", language=voice()
        )
        return str(response)
    gather = Gather(num_digits=1, action=action_url, method="POST", timeout=10)
    press = _("Press 1 to acknowledge, press 2 to escalate.")
    gather.say(f"{spoken(notification)} {press}", language=voice(), loop=3)
    response.append(gather)
    response.say(_("No key was pressed. Goodbye."), language=voice())
    return str(response)


class _TwilioChannel:
    name = ""

    def __init__(self, options: TwilioOptions, *, transport: httpx.BaseTransport | None = None) -> None:
        self._options = options
        self._transport = transport

    def _post(self, notification: Notification, resource: str, form: dict[str, str | list[str]]) -> str:
        what = f"twilio {self.name} to {notification.address}"
        if not E164.match(notification.address):
            raise Undeliverable(f"{what}: not an E.164 phone number")
        options = self._options
        try:
            with httpx.Client(transport=self._transport, timeout=options.timeout) as client:
                response = client.post(
                    options.resource(resource),
                    data=form,  # a list value is sent as repeated keys (StatusCallbackEvent)
                    auth=(options.account_sid, options.auth_token),
                    headers={"User-Agent": "tocsin", "Accept": "application/json"},
                )
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"{what}: {type(exc).__name__}") from None
        if response.status_code == 429:
            raise too_many_requests(what, response.headers.get("retry-after"))
        if response.status_code >= 500:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code}")
        if response.status_code >= 400:
            raise Undeliverable(self._clean(f"{what}: HTTP {response.status_code}{_twilio_error(response)}"))
        if not response.is_success:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code}")
        sid = _json(response).get("sid")
        if not isinstance(sid, str) or not sid:
            raise DeliveryFailed(f"{what}: HTTP {response.status_code} without a sid")
        return sid

    def _clean(self, text: str) -> str:
        return text.replace(self._options.auth_token, "***") if self._options.auth_token else text


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _twilio_error(response: httpx.Response) -> str:
    """``, Twilio error 21211: The 'To' number … is not a valid phone number.
    (https://www.twilio.com/docs/errors/21211)`` from Twilio's error body."""
    data = _json(response)
    code, message, more = data.get("code"), data.get("message"), data.get("more_info")
    text = ""
    if code is not None:
        text += f", Twilio error {code}"
    if isinstance(message, str) and message:
        text += f": {message[:300]}"
    if isinstance(more, str) and more:
        text += f" ({more[:200]})"
    return text


class SmsChannel(_TwilioChannel):
    name = "sms"

    def send(self, notification: Notification, key: str) -> str:
        form: dict[str, str | list[str]] = {
            "To": notification.address,
            "From": self._options.from_number,
            "Body": sms_body(notification),
            "StatusCallback": self._options.hook("status", key),
        }
        return self._post(notification, "Messages", form)


class VoiceChannel(_TwilioChannel):
    name = "voice"

    def send(self, notification: Notification, key: str) -> str:
        options = self._options
        form: dict[str, str | list[str]] = {
            "To": notification.address,
            "From": options.from_number,
            "Twiml": call_twiml(notification, options.hook("voice", key)),
            "StatusCallback": options.hook("status", key),
            "StatusCallbackEvent": list(CALL_EVENTS),
            "StatusCallbackMethod": "POST",
            "Timeout": str(RING_SECONDS),
        }
        return self._post(notification, "Calls", form)
