"""Rendering: the Jinja2 environment (templates shipped in the package), the context every page
shares, flash messages, and the HTML error page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tocsin import __version__
from tocsin.domain.access import Role
from tocsin.domain.user import WebSession
from tocsin.platform import i18n
from tocsin.web import i18n as web_i18n
from tocsin.web import labels
from tocsin.web.context import container_of
from tocsin.web.ui import badges
from tocsin.web.ui.emphasis import strong
from tocsin.web.ui.formats import duration, iso, utc, utc_date, when, when_date

FLASH_COOKIE = "tocsin_flash"
MAX_FLASH = 300


class Templates:
    def __init__(self, *, static_prefix: str) -> None:
        self.env = Environment(
            loader=PackageLoader("tocsin", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            duration=duration, utc=utc, utc_date=utc_date, iso=iso, when=when, when_date=when_date
        )
        self.env.filters["strong"] = strong
        web_i18n.install(self.env)
        self.env.globals.update(
            Role=Role,
            version=__version__,
            static=lambda p: f"{static_prefix}/{p}?v={__version__}",
            phase_label=labels.phase_label,
            event_label=labels.event_label,
            js_words=labels.js_words,
            severity_badge=badges.severity_badge,
            phase_badge=badges.phase_badge,
            clock_badge=badges.clock_badge,
            time_ago=badges.ago,
        )

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        return self.env.get_template(name).render(context)


def templates_of(request: Request) -> Templates:
    templates: Templates = request.app.state.ui
    return templates


def page(
    request: Request,
    name: str,
    session: WebSession | None,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render a page with what every page shows: who is signed in, the CSRF token, the flash."""
    now = container_of(request).clock.now()
    if session is not None:
        web_i18n.choose_for(request, session.user)
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))[: MAX_FLASH + 1]
    shared = {
        "request_path": request.url.path,
        "user": session.user if session else None,
        "csrf": session.csrf_token if session else "",
        "now": now,
        "flash": flash.removeprefix("!"),
        "flash_error": flash.startswith("!"),
        "plan": container_of(request).services.plan,
        "lang": i18n.language(),
        "viewer_tz": i18n.timezone(),
    }
    response = HTMLResponse(templates_of(request).render(name, {**shared, **context}), status_code=status)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def fragment(request: Request, name: str, **context: Any) -> HTMLResponse:
    now = container_of(request).clock.now()
    plan = container_of(request).services.plan
    shared = {"now": now, "plan": plan, "lang": i18n.language(), "viewer_tz": i18n.timezone()}
    return HTMLResponse(templates_of(request).render(name, {**shared, **context}))


def redirect(url: str, flash: str = "", *, error: bool = False) -> RedirectResponse:
    """Post/redirect/get, with a one-time message for the next page (``error``: shown as one)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        value = ("!" if error else "") + flash[:MAX_FLASH]
        response.set_cookie(FLASH_COOKIE, quote(value), max_age=60, path="/", httponly=True, samesite="lax")
    return response


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return page(request, "ui/error.html", None, status=status, title=title, detail=detail)
