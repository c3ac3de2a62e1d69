"""Browser security headers on every HTML response: a Content-Security-Policy with
``frame-ancestors 'none'``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and
``X-Frame-Options`` (for browsers without frame-ancestors).

``SecureHtml`` is a plain ASGI middleware: any ``text/html`` response that did not set a header
gets it (UI routes set their own, see ``web/ui/route.py``). The policy depends on the page:

* the UI and every other page: ``UI_CSP`` (scripts, styles, images from tocsin only);
* the public status page (``/status/…``): ``STATUS_CSP``, no script at all, and its one inline
  stylesheet allowed by hash (the page must render alone, also from ``tocsin status export``);
* the API explorer (``/api/v1/docs``): ``DOCS_CSP``, the vendored Swagger UI from tocsin itself
  (it sets element styles from script, hence ``style-src 'unsafe-inline'`` on that page only).
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_COMMON = "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
UI_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    f"connect-src 'self'; {_COMMON}"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    f"connect-src 'self'; {_COMMON}"
)


def _status_style_hash() -> str:
    template = resources.files("tocsin").joinpath("templates/status/base.html").read_text("utf-8")
    match = re.search(r"<style>(.*?)</style>", template, re.DOTALL)
    assert match, "templates/status/base.html has its stylesheet inline"
    digest = hashlib.sha256(match.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


STATUS_CSP = f"default-src 'none'; style-src {_status_style_hash()}; img-src 'self' data:; {_COMMON}"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def csp_for(path: str) -> str:
    if path == "/status" or path.startswith("/status/"):
        return STATUS_CSP
    if path.startswith("/api/v1/docs"):
        return DOCS_CSP
    return UI_CSP


def html_headers(path: str) -> dict[str, str]:
    return {"Content-Security-Policy": csp_for(path), **COMMON_HEADERS}


def add_missing(raw: list[tuple[bytes, bytes]], path: str) -> list[tuple[bytes, bytes]]:
    """``raw`` (ASGI headers) with the security headers it lacks, if it is an HTML response."""
    present = {bytes(name).lower() for name, _ in raw}
    content_type = next((bytes(v) for n, v in raw if bytes(n).lower() == b"content-type"), b"")
    if not content_type.lower().startswith(b"text/html"):
        return raw
    extra = [
        (name.lower().encode(), value.encode())
        for name, value in html_headers(path).items()
        if name.lower().encode() not in present
    ]
    return [*raw, *extra]


class SecureHtml:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = add_missing(list(message.get("headers", ())), path)
            await send(message)

        await self.app(scope, receive, send_secured)
