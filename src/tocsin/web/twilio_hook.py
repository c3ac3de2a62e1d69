"""Twilio's webhooks: ``POST /hooks/twilio/sms`` (an SMS to tocsin's number: the reply to a
page), ``/hooks/twilio/voice?key=…`` (the keypad of a page call, the ``<Gather>`` action) and
``/hooks/twilio/status?key=…`` (a message's or call's ``StatusCallback``).

``X-Twilio-Signature`` is verified with the twilio library's ``RequestValidator`` (HMAC-SHA1
with the auth token) over the public URL Twilio was given — ``server.base_url`` + path + query
string — and every form parameter, before anything else: a missing or wrong signature is a 403
problem and nothing is called. What a reply means is decided by the ``PhoneReplies``
implementation found on ``app.state.phone_replies`` (``services/paging/phone_ports.py``); the answer
is TwiML built with the library (``MessagingResponse``, ``VoiceResponse``).

Without ``notifications.twilio`` the routes answer 404; configured but with no
``PhoneReplies`` wired, 503.
"""

from __future__ import annotations

from typing import cast
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from tocsin.bootstrap.formats import spoken_language
from tocsin.domain.text import storable
from tocsin.platform.i18n import gettext as _
from tocsin.services.paging.phone_ports import PhoneReplies
from tocsin.web.context import container_of
from tocsin.web.errors import problem

router = APIRouter(include_in_schema=False)
SIGNATURE_HEADER = "x-twilio-signature"
MAX_BODY_BYTES = 64 * 1024  # Twilio's webhook forms are a few hundred bytes
TWIML = "application/xml"


class _Params(dict[str, list[str]]):
    """Every value of each form parameter, in the shape ``RequestValidator`` reads repeated
    parameters from (``getall``, as a Flask MultiDict)."""

    def getall(self, name: str) -> list[str]:
        return self[name]


class _Refused(Exception):
    def __init__(self, response: JSONResponse) -> None:
        self.response = response


async def _verified(request: Request) -> tuple[PhoneReplies, dict[str, str]]:
    """The ``PhoneReplies`` and the form of a request Twilio signed; else ``_Refused``."""
    container = container_of(request)
    twilio = container.settings.notifications.twilio
    if not twilio.enabled or twilio.auth_token is None:
        raise _Refused(problem(404, "Twilio webhooks are not configured (notifications.twilio)"))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise _Refused(problem(413, f"the request body is larger than {MAX_BODY_BYTES} bytes"))
    params = _Params()
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        params.setdefault(name, []).append(value)
    query = request.url.query
    url = container.settings.server.base_url + request.url.path + (f"?{query}" if query else "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    validator = RequestValidator(twilio.auth_token.get_secret_value())
    if not given or not validator.validate(url, params, given):
        raise _Refused(problem(403, "a valid X-Twilio-Signature is required"))
    replies = getattr(request.app.state, "phone_replies", None)
    if replies is None:
        raise _Refused(
            problem(503, "phone replies are not available on this server", headers={"Retry-After": "60"})
        )
    form = {name: storable(values[0]) for name, values in params.items()}
    return cast(PhoneReplies, replies), form


def _key(request: Request) -> str | None:
    key = request.query_params.get("key", "")
    return storable(key) if key else None


def _twiml(document: MessagingResponse | VoiceResponse) -> Response:
    return Response(str(document), media_type=TWIML)


@router.post("/hooks/twilio/sms")
async def sms(request: Request) -> Response:
    """An SMS to tocsin's number: the answer is the reply text, as TwiML ``<Message>``."""
    try:
        replies, form = await _verified(request)
    except _Refused as refused:
        return refused.response
    sender = form.get("From", "")
    if not sender:
        return problem(400, "the From parameter is missing")
    text = await run_in_threadpool(replies.sms_reply, sender, form.get("Body", ""))
    answer = MessagingResponse()
    answer.message(text)
    return _twiml(answer)


@router.post("/hooks/twilio/voice")
async def voice(request: Request) -> Response:
    """The keypad of a page call: what the call says back, as TwiML ``<Say>``."""
    try:
        replies, form = await _verified(request)
    except _Refused as refused:
        return refused.response
    key = _key(request)
    if key is None:
        return problem(400, "the key query parameter is missing")
    answer = VoiceResponse()
    digits = form.get("Digits", "")
    if not digits:
        answer.say(_("No key was pressed. Goodbye."), language=spoken_language())
        return _twiml(answer)
    # An outbound call's callee is To; a call someone placed to tocsin's number comes From them.
    outbound = form.get("Direction", "outbound-api").startswith("outbound")
    callee = form.get("To", "") if outbound else form.get("From", "")
    text = await run_in_threadpool(replies.keypress, key, digits, callee)
    answer.say(text, language=spoken_language())
    answer.hangup()
    return _twiml(answer)


@router.post("/hooks/twilio/status")
async def status(request: Request) -> Response:
    """A message's or call's StatusCallback: recorded; Twilio needs no content back."""
    try:
        replies, form = await _verified(request)
    except _Refused as refused:
        return refused.response
    key = _key(request)
    if key is None:
        return problem(400, "the key query parameter is missing")
    reference = form.get("MessageSid") or form.get("CallSid") or ""
    state = form.get("MessageStatus") or form.get("CallStatus") or ""
    if not reference or not state:
        return problem(400, "a MessageSid and MessageStatus (or CallSid and CallStatus) are required")
    await run_in_threadpool(replies.delivery_status, key, reference, state, form.get("ErrorCode") or None)
    return Response(status_code=204)
