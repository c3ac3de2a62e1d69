"""One structured log line and one metrics sample per request.

A plain ASGI middleware (not ``BaseHTTPMiddleware``): it sees the route the router matched
(``scope["route"]``) after the fact, so requests are labelled by route template
(``/api/v1/incidents/{incident_id}``), never by raw path, which keeps label cardinality bounded.
Headers are never logged; the Authorization header in particular never reaches a log line.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
import uuid
from typing import Protocol

import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from structlog.stdlib import filter_by_level

from tocsin.web.errors import problem

REQUEST_ID_HEADER = "x-request-id"
_HEADER_BYTES = REQUEST_ID_HEADER.encode()
UNMATCHED = "<unmatched>"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

_log = structlog.get_logger("tocsin.web.request")
_level = logging.getLogger("tocsin.web.request")  # the stdlib logger structlog writes through


def _dropped_below_info() -> bool:
    """What structlog's ``filter_by_level`` (first in the chain) would decide for an INFO line,
    without building the event and its bound logger (about 17 µs a request at WARNING)."""
    processors = structlog.get_config()["processors"]
    return bool(processors) and processors[0] is filter_by_level and not _level.isEnabledFor(logging.INFO)


class RequestObserver(Protocol):
    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None: ...


def route_template(scope: Scope) -> str:
    path: object = getattr(scope.get("route"), "path", None)
    return path if isinstance(path, str) else UNMATCHED


_PREFIX = uuid.uuid4().hex[:16]  # this process: ids stay unique across replicas and restarts
_SEQUENCE = itertools.count(1)


def request_id(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` if it is short and plain, else a fresh one."""
    for name, value in scope.get("headers", ()):
        if name == _HEADER_BYTES:
            candidate = bytes(value).decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
            break
    return f"{_PREFIX}{next(_SEQUENCE):016x}"


class Observed:
    """One request being observed: its id (sent back as ``X-Request-ID``), its status as sent,
    and at the end one metrics sample and one log line."""

    __slots__ = ("header", "rid", "scope", "send", "started", "status")

    def __init__(self, scope: Scope, send: Send) -> None:
        self.scope = scope
        self.send = send
        self.rid = request_id(scope)
        self.header = (_HEADER_BYTES, self.rid.encode())
        self.status = 500
        self.started = time.perf_counter()

    async def send_with_id(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            message["headers"] = [*message.get("headers", ()), self.header]
        await self.send(message)

    def done(self, observer: RequestObserver) -> None:
        seconds = time.perf_counter() - self.started
        route = route_template(self.scope)
        method = str(self.scope.get("method", ""))
        observer.observe(method=method, route=route, status=self.status, seconds=seconds)
        if _dropped_below_info():
            return
        _log.info(
            "http_request",
            method=method,
            route=route,
            status=self.status,
            duration_ms=round(seconds * 1000, 3),
            request_id=self.rid,
        )


class ObserveRequests:
    def __init__(self, app: ASGIApp, observer: RequestObserver) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        observed = Observed(scope, send)
        try:
            await self.app(scope, receive, observed.send_with_id)
        finally:
            observed.done(self.observer)


class LimitBodySize:
    """Refuse a request whose declared ``Content-Length`` exceeds ``max_bytes`` with a 413 problem,
    before anything reads it. (Bodies without a declared length are capped by the routers'
    ``max_body_size``, whose 413 is FastAPI's plain-text one.)"""

    def __init__(
        self, app: ASGIApp, max_bytes: int, exempt: tuple[str, ...] = (), exempt_pattern: str = ""
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt  # path prefixes that enforce a limit of their own (webhooks)
        self.exempt_pattern = re.compile(exempt_pattern) if exempt_pattern else None  # uploads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        exempt = any(path.startswith(prefix) for prefix in self.exempt) or bool(
            self.exempt_pattern and self.exempt_pattern.match(path)
        )
        if scope["type"] == "http" and not exempt:
            declared = Headers(scope=scope).get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                response = problem(413, f"the request body is larger than {self.max_bytes} bytes")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
