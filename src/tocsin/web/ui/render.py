"""Rendering: the Jinja2 environment (templates shipped in the package), the context every page
shares, flash messages, and the HTML error page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tocsin import __version__
from tocsin.domain.access import Role
from tocsin.domain.user import WebSession
from tocsin.web.context import container_of
from tocsin.web.ui.emphasis import strong

FLASH_COOKIE = "tocsin_flash"
MAX_FLASH = 300


def duration(value: timedelta | float | None) -> str:
    """As the plan writes them where they are round (``15 min``, ``1 h``, ``48 h``); otherwise
    ``45s``, ``12m``, ``1h 05m``, ``2d 03h``: compact and unambiguous."""
    if value is None:
        return ""
    seconds = int(abs(value.total_seconds() if isinstance(value, timedelta) else value))
    if seconds and seconds % 3600 == 0 and seconds <= 7 * 86400:
        return f"{seconds // 3600} h"
    if seconds and seconds % 60 == 0 and seconds < 3600:
        return f"{seconds // 60} min"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s" if minutes < 10 else f"{minutes}m"
    return f"{secs}s"


def utc(value: datetime | None, fmt: str = "%H:%M:%S") -> str:
    return f"{value:{fmt}} UTC" if value else ""


def utc_date(value: datetime | None) -> str:
    return utc(value, "%Y-%m-%d %H:%M")


def iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


class Templates:
    def __init__(self, *, static_prefix: str) -> None:
        self.env = Environment(
            loader=PackageLoader("tocsin", "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(duration=duration, utc=utc, utc_date=utc_date, iso=iso)
        self.env.filters["strong"] = strong
        self.env.globals.update(
            Role=Role, version=__version__, static=lambda p: f"{static_prefix}/{p}?v={__version__}"
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
    flash = unquote(request.cookies.get(FLASH_COOKIE, ""))[: MAX_FLASH + 1]
    shared = {
        "request_path": request.url.path,
        "user": session.user if session else None,
        "csrf": session.csrf_token if session else "",
        "now": now,
        "flash": flash.removeprefix("!"),
        "flash_error": flash.startswith("!"),
        "plan": container_of(request).services.plan,
    }
    response = HTMLResponse(templates_of(request).render(name, {**shared, **context}), status_code=status)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def fragment(request: Request, name: str, **context: Any) -> HTMLResponse:
    now = container_of(request).clock.now()
    plan = container_of(request).services.plan
    return HTMLResponse(templates_of(request).render(name, {"now": now, "plan": plan, **context}))


def redirect(url: str, flash: str = "", *, error: bool = False) -> RedirectResponse:
    """Post/redirect/get, with a one-time message for the next page (``error``: shown as one)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        value = ("!" if error else "") + flash[:MAX_FLASH]
        response.set_cookie(FLASH_COOKIE, quote(value), max_age=60, path="/", httponly=True, samesite="lax")
    return response


def error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return page(request, "ui/error.html", None, status=status, title=title, detail=detail)
