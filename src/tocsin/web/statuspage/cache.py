"""The status page's front door: answered before the app, from an in-memory render cache.

The page is the one thing hammered while everything else is down, so GET/HEAD under
``/status/`` never reach FastAPI (``web.app.TocsinApp`` asks the front door first): a cached
body is served as is, with a strong ETag (304 on ``If-None-Match``) and ``Cache-Control``.
The cache holds one rendering per document for the current status revision (a counter bumped
by every public change, in the database, so a change made by another replica or by the CLI is
seen too) and the current UTC day (the uptime bars). The revision is read at most once per
``revalidate`` seconds; a change made through this process invalidates at once. Each language
(``Accept-Language``, else ``server.language``) has its own renderings, served with
``Vary: Accept-Language``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool

from tocsin.platform import i18n
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.view import Snapshot, snapshot, version
from tocsin.web.headers import add_missing
from tocsin.web.middleware import RequestObserver
from tocsin.web.statuspage.pages import Renderer

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

PREFIX = "/status/"
DYNAMIC = ("subscribe", "unsubscribe")  # served by FastAPI (web/statuspage/subscribe.py), never cached
CACHE_CONTROL = b"public, max-age=15, stale-while-revalidate=60"
_log = structlog.get_logger("tocsin.web.statuspage")


@dataclass(frozen=True, slots=True)
class Entry:
    status: int
    content_type: bytes
    body: bytes
    etag: bytes


UNAVAILABLE = Entry(503, b"text/plain; charset=utf-8", b"The status page is temporarily unavailable.\n", b"")


class RenderCache:
    def __init__(
        self, services: StatusPageContext, *, revalidate: float = 1.0, language: str = i18n.DEFAULT
    ) -> None:
        self._services = services
        self.language = language  # when the browser asks for none tocsin speaks
        self._renderer = Renderer(root=PREFIX)
        self._revalidate = revalidate
        self._lock = threading.Lock()
        self._entries: dict[str, Entry] = {}
        self._stale: dict[str, Entry] = {}  # survives invalidation: served only if rendering fails
        self._key: tuple[str, str] | None = None
        self._checked = 0.0
        self._snap: Snapshot | None = None

    def invalidate(self) -> None:
        with self._lock:
            self._entries.clear()
            self._key, self._snap, self._checked = None, None, 0.0

    def stale(self, path: str, language: str | None = None) -> Entry | None:
        """The last rendering of ``path``, however old (for when the database is down)."""
        return self._stale.get(_key(path, language or self.language))

    def cached(self, path: str, language: str | None = None) -> Entry | None:
        """The entry if it is known to be fresh, without touching the database."""
        if time.monotonic() - self._checked >= self._revalidate:
            return None
        return self._entries.get(_key(path, language or self.language))

    def get(self, path: str, language: str | None = None) -> Entry:
        language = language or self.language
        key = _key(path, language)
        with self._lock:
            try:
                self._refresh()
            except Exception:
                self._checked = time.monotonic()  # the database is down: retry in a while, not per hit
                raise
            entry = self._entries.get(key)
            if entry is None:
                entry = self._render(path, language)
                if entry.status == 200:  # unknown paths are not kept: no filling memory with 404s
                    self._entries[key] = self._stale[key] = entry
            return entry

    def _refresh(self) -> None:
        now = time.monotonic()
        if now - self._checked < self._revalidate and self._key is not None:
            return
        key = (version(self._services), f"{self._services.clock.now():%Y-%m-%d}")
        if key != self._key:
            self._entries.clear()
            self._key, self._snap = key, None
        self._checked = now

    def snapshot(self) -> Snapshot:
        if self._snap is None:
            self._snap = snapshot(self._services)
        return self._snap

    def _render(self, path: str, language: str) -> Entry:
        rendered = self._renderer.render(self.snapshot(), path, language)
        if rendered is None:
            return Entry(404, b"text/plain; charset=utf-8", b"Not found\n", b"")
        content_type, body = rendered
        etag = b'"' + hashlib.sha256(body).hexdigest()[:20].encode() + b'"'
        return Entry(200, content_type.encode(), body, etag)


def _key(path: str, language: str) -> str:
    return f"{language}:{path}"


def _accept_language(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"accept-language":
            return bytes(value).decode("latin-1")
    return None


def route_label(relative: str, status: int) -> str:
    """The metrics label of a page: a template, so that incident ids never become labels."""
    if status == 404:
        return "<unmatched>"
    if relative.startswith("incidents/"):
        return f"{PREFIX}incidents/{{id}}"
    if relative.startswith("api/v2/"):
        return f"{PREFIX}api/v2/{{document}}"
    return PREFIX + relative


class StatusPageFrontDoor:
    """Answers GET/HEAD ``/status/…`` from the cache before anything else runs (the app's
    whole middleware stack: error pages, request log, body limits), which more than doubles
    what one process serves. Each answer is still counted in the request metrics (no log line
    per hit: the page is the one hammered during an outage). When the database cannot be
    read, the last rendering is served (stale beats an error page); with none, a 503."""

    def __init__(self, cache: RenderCache, observer: RequestObserver | None = None) -> None:
        self.cache = cache
        self.observer = observer

    async def serve(self, scope: Scope, _receive: Receive, send: Send) -> bool:
        """Answer the request if it is the status page's; ``False`` to let the app handle it."""
        if scope["type"] != "http":
            return False
        path: str = scope.get("path", "")
        if not path.startswith(PREFIX.rstrip("/")) or scope["method"] not in ("GET", "HEAD"):
            return False
        started = time.perf_counter()
        if path == PREFIX.rstrip("/"):
            await _redirect(send)
            self._observe(scope, "", 308, started)
            return True
        if not path.startswith(PREFIX):
            return False
        relative = path.removeprefix(PREFIX)
        if relative.startswith(DYNAMIC):
            return False
        language = i18n.from_accept_language(_accept_language(scope)) or self.cache.language
        entry = self.cache.cached(relative, language)
        if entry is None:
            try:
                entry = await run_in_threadpool(self.cache.get, relative, language)
            except Exception:
                _log.exception("statuspage_render_failed", path=relative)
                entry = self.cache.stale(relative, language) or UNAVAILABLE
        await _respond(scope, send, entry)
        self._observe(scope, relative, entry.status, started)
        return True

    def _observe(self, scope: Scope, relative: str, status: int, started: float) -> None:
        if self.observer is not None:
            seconds = time.perf_counter() - started
            route = route_label(relative, status)
            self.observer.observe(method=scope["method"], route=route, status=status, seconds=seconds)


async def _redirect(send: Send) -> None:
    await send({"type": "http.response.start", "status": 308, "headers": [(b"location", PREFIX.encode())]})
    await send({"type": "http.response.body", "body": b""})


def _if_none_match(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", ()):
        if name == b"if-none-match":
            return bytes(value)
    return None


async def _respond(scope: Scope, send: Send, entry: Entry) -> None:
    # nosniff on everything; on HTML pages the status page's CSP, Referrer-Policy, X-Frame-Options
    secured = add_missing(
        [(b"content-type", entry.content_type), (b"x-content-type-options", b"nosniff")], PREFIX
    )
    headers = secured[1:]
    if entry.status == 200:
        headers += [
            (b"etag", entry.etag),
            (b"cache-control", CACHE_CONTROL),
            (b"access-control-allow-origin", b"*"),
            (b"vary", b"Accept-Language"),
        ]
    tags = _if_none_match(scope)
    if entry.status == 200 and tags is not None and (entry.etag in tags.split(b", ") or tags == b"*"):
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    body = b"" if scope["method"] == "HEAD" else entry.body
    headers = [secured[0], *headers, (b"content-length", str(len(entry.body)).encode())]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
