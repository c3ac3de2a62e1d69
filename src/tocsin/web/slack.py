"""``POST /hooks/slack/interactions`` (buttons, selects) and ``/hooks/slack/commands``.

Order of checks, nothing done on any error: Slack configured (404) → body size (413) →
v0 signature over the raw body, timestamp within 5 minutes (401) → form/payload shape (400).
Both answer well within Slack's 3 s: the state change is one short transaction, and
everything that talks to Slack (card update, thread, ephemeral notes) is a job.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from slack_sdk.signature import SignatureVerifier
from starlette.concurrency import run_in_threadpool

from tocsin.bootstrap.services import AppServices
from tocsin.domain import markup
from tocsin.domain.errors import DomainError
from tocsin.domain.text import storable
from tocsin.platform.payload import load_json
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import Clock
from tocsin.services.slack import ops as slack_ops
from tocsin.services.slack.ports import Slack
from tocsin.web.context import container_of
from tocsin.web.errors import problem

MAX_BODY_BYTES = 64 * 1024
_log = structlog.get_logger("tocsin.web.slack")

router = APIRouter(prefix="/hooks/slack", include_in_schema=False)


class _SlackClock:
    """slack_sdk's clock interface (unix seconds) over tocsin's clock, so tests can freeze it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def now(self) -> float:
        return self._clock.now().timestamp()


class Refused(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def verify(secret: str, clock: Clock, body: bytes, headers: Any) -> bool:
    """Slack's v0 scheme: HMAC-SHA256 of ``v0:<ts>:<body>``, ``|now - ts| <= 300 s``."""
    timestamp = headers.get("x-slack-request-timestamp")
    signature = headers.get("x-slack-signature")
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    verifier = SignatureVerifier(secret, clock=_SlackClock(clock))  # type: ignore[arg-type]
    return verifier.is_valid(body=body, timestamp=timestamp, signature=signature)


async def _verified_form(request: Request) -> tuple[AppServices, Slack, dict[str, str]]:
    container = container_of(request)
    slack = container.services.slack
    secret = container.settings.slack.signing_secret
    if slack is None or secret is None:
        raise Refused(problem(404, "Slack is not configured"))
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise Refused(problem(413, f"the request body is larger than {MAX_BODY_BYTES} bytes"))
    if not verify(secret.get_secret_value(), container.clock, body, request.headers):
        _log.warning("slack.bad_signature", path=request.url.path)
        raise Refused(problem(401, "invalid or stale Slack signature"))
    fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()
    form = {storable(k): storable(v[0]) for k, v in fields}  # NUL dropped: see adapters.payload
    return container.services, slack, form


@router.post("/commands")
async def commands(request: Request) -> Response:
    try:
        svc, slack, form = await _verified_form(request)
    except Refused as refused:
        return refused.response
    if form.get("ssl_check") == "1":
        return Response(status_code=200)
    user_id = form.get("user_id", "")
    typed = markup.from_slack(form.get("text", ""))
    reply = await run_in_threadpool(slack_ops.command, svc, slack, user_id, typed)
    _log.info("slack.command", user=user_id, verb=form.get("text", "").split(" ")[0][:20])
    return JSONResponse({"response_type": "ephemeral", "text": reply})


@router.post("/interactions")
async def interactions(request: Request) -> Response:
    try:
        svc, slack, form = await _verified_form(request)
        payload = _payload(form)
    except Refused as refused:
        return refused.response
    if payload.get("type") == "block_actions":
        await run_in_threadpool(_act, svc, slack, payload)
    return Response(status_code=200)


def _payload(form: dict[str, str]) -> dict[str, Any]:
    try:
        payload = load_json(form.get("payload", "").encode())
    except (ValueError, DomainError):
        raise Refused(problem(400, "the form has no JSON `payload`")) from None
    if not isinstance(payload, dict):
        raise Refused(problem(400, "`payload` must be a JSON object"))
    return payload


def _act(svc: PagingContext, slack: Slack, payload: dict[str, Any]) -> None:
    """Run each action as the mapped person; explain privately whatever was not done."""
    user_id = str((payload.get("user") or {}).get("id", ""))
    channel = str((payload.get("channel") or {}).get("id", "")) or str(
        (payload.get("container") or {}).get("channel_id", "")
    )
    by = slack_ops.actor_for(slack, user_id)
    for action in payload.get("actions") or []:
        key = f"{user_id}:{action.get('action_ts', '')}:{action.get('action_id', '')}"
        if by is None:
            slack_ops.tell(svc, channel=channel, user=user_id, text=slack_ops.unmapped(user_id), key=key)
            return
        try:
            done = slack_ops.press(svc, by, str(action.get("action_id", "")), _value(action))
        except DomainError as exc:
            slack_ops.tell(svc, channel=channel, user=user_id, text=f"Nothing done: {exc}", key=key)
            continue
        _log.info("slack.action", user=user_id, done=done)


def _value(action: dict[str, Any]) -> str:
    """The incident id (buttons); ``<id>:<severity>`` for the severity select."""
    if action.get("action_id") == slack_ops.SEVERITY:
        incident = str(action.get("block_id", "")).removeprefix("incident:")
        selected = (action.get("selected_option") or {}).get("value", "")
        return f"{incident}:{selected}"
    return str(action.get("value", ""))
