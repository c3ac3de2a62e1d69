"""``/p/{token}``: acknowledge or escalate from the page itself, without signing in.

GET shows what the link would do and one button; it changes nothing, so the mail scanners and
link previews that follow every link in a message never acknowledge anything. POST acts (the
token is the credential: no session, no CSRF token, no body — ntfy's action buttons POST
nothing else) and shows the result. A used or expired link says so and points to sign-in; an
unknown token is a 404 page.

The token never reaches a log line: the request log names the route template (``/p/{token}``)
and ``adapters.logs`` masks ``/p/<token>`` wherever else a path is written.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tocsin.domain.errors import NotFound
from tocsin.domain.severity import Severity
from tocsin.services.paging import page_links
from tocsin.services.paging.page_links import LinkPage, Outcome, Result
from tocsin.web.context import services_of
from tocsin.web.ui.render import page
from tocsin.web.ui.route import UiRoute

router = APIRouter(route_class=UiRoute, include_in_schema=False)

TEMPLATE = "ui/page_link.html"
PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
STATUS = {
    Result.ACKNOWLEDGED: 200,
    Result.ESCALATED: 200,
    Result.ALREADY_ACKNOWLEDGED: 200,
    Result.NOT_OPEN: 409,
    Result.USED: 410,
    Result.EXPIRED: 410,
}


def _render(request: Request, status: int, **context: Any) -> Response:
    defaults: dict[str, Any] = {"link": None, "level": None, "result": None, "token": ""}
    response = page(request, TEMPLATE, None, status=status, **{**defaults, **context})
    response.headers.update(PRIVATE)
    return response


def _level(request: Request, link: LinkPage) -> Any:
    return services_of(request).plan.level(Severity(link.severity))


def _unknown(request: Request) -> Response:
    return _render(request, 404, unknown=True)


@router.get("/p/{token}")
def show_link(request: Request, token: str) -> Response:
    try:
        link = page_links.view(services_of(request), token)
    except NotFound:
        return _unknown(request)
    status = 200 if link.state.value == "valid" else 410
    return _render(request, status, link=link, level=_level(request, link), token=token, unknown=False)


@router.post("/p/{token}")
def use_link(request: Request, token: str) -> Response:
    try:
        outcome: Outcome = page_links.act(services_of(request), token)
    except NotFound:
        return _unknown(request)
    link = outcome.page
    return _render(
        request,
        STATUS[outcome.result],
        link=link,
        level=_level(request, link),
        result=outcome.result.value,
        unknown=False,
    )
