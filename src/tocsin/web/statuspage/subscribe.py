"""The public subscription pages: subscribe (rate-limited, validated), confirm, unsubscribe.
Links in mails open a page with a button; only the POST changes anything, so mail scanners
that follow links neither confirm nor unsubscribe anyone. ``List-Unsubscribe-Post`` one-click
(RFC 8058) posts straight to ``/status/unsubscribe``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse

from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.platform import i18n
from tocsin.platform.i18n import N_
from tocsin.services.statuspage import subscribers
from tocsin.web.context import services_of
from tocsin.web.i18n import request_language
from tocsin.web.statuspage.pages import environment
from tocsin.web.statuspage.ratelimit import RateLimiter

router = APIRouter(prefix="/status", include_in_schema=False)
_env = environment()


def _page(request: Request, heading: str, text: str, *, status: int = 200, **form: str) -> HTMLResponse:
    config = services_of(request).statuspage
    with i18n.using(request_language(request)) as language:
        html = _env.get_template("status/message.html").render(
            page=config,
            root="/status/",
            lang=language,
            updated="",
            heading=i18n.gettext(heading),
            text=i18n.gettext(text),
            action=form.get("action", ""),
            token=form.get("token", ""),
            button=i18n.gettext(form.get("button", "")) if form.get("button") else "",
        )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _limiter(request: Request) -> RateLimiter:
    limiter = getattr(request.app.state, "subscribe_limiter", None)
    if limiter is None:
        limiter = RateLimiter(per_client=5, overall=120, window=600)
        request.app.state.subscribe_limiter = limiter
    return limiter


@router.post("/subscribe")
def subscribe(
    request: Request,
    email: Annotated[str, Form(max_length=320)],
    component: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    client = request.client.host if request.client else "unknown"
    if not _limiter(request).allow(client):
        return _page(request, N_("Too many requests"), N_("Please try again in a few minutes."), status=429)
    try:
        subscribers.subscribe(services_of(request), email, component or [])
    except InvalidInput as exc:
        return _page(request, N_("Not subscribed"), str(exc), status=422)
    return _page(request, N_("Check your inbox"), N_("We sent you a link to confirm your subscription."))


@router.get("/subscribe/confirm")
def confirm_page(request: Request, token: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    return _page(
        request,
        N_("Confirm your subscription"),
        N_("One click and you will receive our updates."),
        action="/status/subscribe/confirm",
        token=token,
        button=N_("Confirm"),
    )


@router.post("/subscribe/confirm")
def confirm(request: Request, token: Annotated[str, Form(max_length=100)] = "") -> HTMLResponse:
    try:
        subscribers.confirm(services_of(request), token)
    except NotFound as exc:
        return _page(request, N_("Link not valid"), str(exc), status=404)
    return _page(request, N_("Subscribed"), N_("You will receive an email with every update."))


@router.get("/unsubscribe")
def unsubscribe_page(request: Request, token: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    return _page(
        request,
        N_("Unsubscribe"),
        N_("Stop receiving our updates?"),
        action="/status/unsubscribe",
        token=token,
        button=N_("Unsubscribe"),
    )


@router.post("/unsubscribe")
def unsubscribe(
    request: Request,
    token: Annotated[str, Form(max_length=100)] = "",
    query_token: Annotated[str, Query(alias="token", max_length=100)] = "",
) -> HTMLResponse:
    try:
        subscribers.unsubscribe(services_of(request), token or query_token)
    except NotFound as exc:
        return _page(request, N_("Link not valid"), str(exc), status=404)
    return _page(request, N_("Unsubscribed"), N_("You will not receive any more updates."))
