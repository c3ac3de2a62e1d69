"""Isolation requests over HTTP (httpx): sent once, never retried, with a deadline on the whole
exchange (connect, send, headers and body), so a server that trickles its answer still stops at
the timeout. The transport is injectable (tests use a local server or ``httpx.MockTransport``).
Header values are secrets: they are sent and nothing else; errors carry no header.
"""

from __future__ import annotations

import time

import httpx

from tocsin.domain.isolation import CONNECTION, TIMEOUT, Outcome, Request

MAX_READ = 64 * 1024
USER_AGENT = "tocsin-isolation"


class HttpCaller:
    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        self._transport = transport

    def call(self, request: Request, timeout: float) -> Outcome:
        started = time.monotonic()
        deadline = started + timeout
        headers = {"User-Agent": USER_AGENT, **dict(request.headers)}
        content = request.body.encode() if request.body is not None else None
        try:
            with (
                httpx.Client(transport=self._transport, timeout=timeout, follow_redirects=False) as client,
                client.stream(request.method, request.url, headers=headers, content=content) as response,
            ):
                excerpt = bytearray()
                for chunk in response.iter_bytes():
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                    if len(excerpt) < MAX_READ:
                        excerpt += chunk[: MAX_READ - len(excerpt)]
                text = excerpt.decode("utf-8", "replace")
                return Outcome(time.monotonic() - started, response.status_code, excerpt=text)
        except httpx.TimeoutException:
            return Outcome(time.monotonic() - started, error=TIMEOUT)
        except httpx.HTTPError as exc:
            return Outcome(time.monotonic() - started, error=CONNECTION, detail=_reason(exc))


def _reason(exc: httpx.HTTPError) -> str:
    """The cause, without the request (whose headers hold secrets): e.g. 'Connection refused'."""
    cause: BaseException = exc
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    text = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return str(text)[:200]
