"""``POST /hooks/github``: GitHub's ``issues``, ``issue_comment`` and ``deployment_status`` webhooks.

``X-Hub-Signature-256`` (``sha256=<hex HMAC-SHA256(secret, raw body)>``) is checked in constant
time before anything is parsed; a missing or bad signature is 401 and changes nothing.
``X-GitHub-Delivery`` makes a redelivery a no-op. The answer is 2xx only after the commit.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from tocsin.domain.text import storable
from tocsin.platform.payload import load_json
from tocsin.services.github.inbound import receive_event
from tocsin.web.context import container_of
from tocsin.web.errors import problem

router = APIRouter(include_in_schema=False)
SIGNATURE_HEADER = "x-hub-signature-256"


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, given: str) -> bool:
    """Constant-time comparison of ``given`` with the body's signature."""
    return hmac.compare_digest(signature(secret, body).encode(), given.strip().encode())


async def _body(request: Request, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@router.post("/hooks/github")
async def github_webhook(request: Request) -> JSONResponse:
    container = container_of(request)
    secret = container.settings.github.webhook_secret
    if container.services.github is None or secret is None:
        return problem(404, "GitHub webhooks are not configured")
    limit = container.settings.intake.max_body_bytes
    body = await _body(request, limit)
    if body is None:
        return problem(413, f"the request body is larger than {limit} bytes")
    if not verify(secret.get_secret_value(), body, request.headers.get(SIGNATURE_HEADER, "")):
        return problem(401, "a valid X-Hub-Signature-256 is required")
    event = request.headers.get("x-github-event", "")
    delivery = storable(request.headers.get("x-github-delivery", ""))
    if event == "ping":
        return JSONResponse({"outcome": "pong"})
    if not delivery:
        return problem(400, "the X-GitHub-Delivery header is missing")
    try:
        payload: Any = load_json(body)
    except ValueError as exc:
        return problem(400, str(exc), title="Malformed JSON")
    if not isinstance(payload, dict):
        return problem(422, "the payload must be a JSON object")
    outcome = await run_in_threadpool(
        receive_event, container.services, delivery_id=delivery, event=event, payload=payload
    )
    return JSONResponse({"outcome": outcome})
