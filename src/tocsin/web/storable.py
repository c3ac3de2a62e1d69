"""What both databases can store, checked once for every request of the API and the UI.

``refuse_unstorable`` is a dependency of the whole app (``create_app``): before any route's own
parameters are read, every text the request carries — path parameters, query parameters, the
JSON body the route declared (every string and every key, at any depth) or its form fields —
is checked for a NUL character or a lone surrogate (see ``domain.text``). The first one found
is a 422 naming the field (``title``, ``features_down.0``) like any validation error: a problem
document from the API, an error page from the UI. Nothing is half-written: no use case has
run yet.

``GuardJsonNumbers`` (ASGI) covers what happens before that, while the JSON body is decoded: an
integer of more than 4,300 digits makes Python's decoder give up (a ``ValueError`` with
Python's own text, which FastAPI turns into "There was an error parsing the body"). A body
holding such a run of digits is decoded here instead, and refused with a 422 naming the field.

Webhooks (``/hooks/…``) are not refused but repaired: see ``adapters.payload``.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.datastructures import Headers, UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tocsin.domain.text import unstorable
from tocsin.platform.json_input import MAX_DIGITS, Path, decode, first_unstorable
from tocsin.web.errors import problem, validation_errors

HOOKS = "/hooks/"  # the webhooks repair their text instead (adapters.payload)
_DIGITS = re.compile(rb"\d+")  # runs of digits (linear: no backtracking over long runs)


def _refuse(where: str, path: Path, reason: str, value: Any) -> RequestValidationError:
    error = {"type": "unstorable", "loc": (where, *path), "msg": reason, "input": value}
    return RequestValidationError([error])


def _check_pairs(where: str, pairs: list[tuple[str, Any]]) -> None:
    for name, value in pairs:
        for text in (name, (value.filename or "") if isinstance(value, UploadFile) else value):
            if isinstance(text, str) and (reason := unstorable(text)) is not None:
                raise _refuse(where, (name,), reason, text)


def _is_json(headers: Headers) -> bool:
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


async def _body_of(request: Request) -> tuple[str, Any] | None:
    """The body as the route has read it (JSON value or form), or ``None``. Only a body the route
    declares, hence has already parsed: routes that stream their own body are left alone."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return None
    kind = request.headers.get("content-type", "")
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return "form", await request.form()
    if _is_json(request.headers) and await request.body():
        return "json", await request.json()
    return None


async def refuse_unstorable(request: Request) -> None:
    """A 422 naming the first path or query parameter, JSON value or form field that cannot be
    stored (a NUL character, a lone surrogate)."""
    if request.url.path.startswith(HOOKS):
        return
    _check_pairs("path", [(str(k), v) for k, v in request.path_params.items()])
    _check_pairs("query", request.query_params.multi_items())
    body = await _body_of(request)
    if body is None:
        return
    kind, value = body
    if kind == "form":
        _check_pairs("body", value.multi_items())
        return
    found = first_unstorable(value)
    if found is not None:
        path, reason = found
        raise _refuse("body", path, reason, None)


class GuardJsonNumbers:
    """Refuse (422, naming the field) a JSON body with an integer too long for Python to read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes  # larger bodies are refused (413) by the routes: not read here

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _json_request(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body") or size > self.max_bytes:
                break
        body = b"".join(m.get("body", b"") for m in messages)
        if size <= self.max_bytes and _has_long_digits(body):
            response = _huge_number(body)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, _replay(messages, receive), send)


def _json_request(scope: Scope) -> bool:
    if scope.get("method") in ("GET", "HEAD") or str(scope.get("path", "")).startswith(HOOKS):
        return False
    return _is_json(Headers(scope=scope))


def _has_long_digits(body: bytes) -> bool:
    return any(run.end() - run.start() > MAX_DIGITS for run in _DIGITS.finditer(body))


def _huge_number(body: bytes) -> Any:
    try:
        value = decode(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route says so
    found = first_unstorable(value)
    if found is None:
        return None
    path, reason = found
    errors = validation_errors([{"type": "unstorable", "loc": ("body", *path), "msg": reason}])
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in errors)
    return problem(422, detail, title="Invalid request", errors=errors)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
