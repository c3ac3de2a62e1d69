"""``/sign-in`` and ``/sign-out``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from tocsin.domain.errors import DomainError
from tocsin.platform.i18n import gettext as _
from tocsin.services.access import signin
from tocsin.web import i18n
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import container_of, services_of
from tocsin.web.ui import security
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

CSRF_COOKIE_AGE = 3600


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _form(request: Request, next_path: str, email: str = "", error: str = "", status: int = 200) -> Response:
    token = security.sign_in_csrf(request)
    response = page(
        request,
        "ui/sign_in.html",
        None,
        status=status,
        next=next_path,
        email=email,
        error=error,
        login_csrf=token,
    )
    security.set_cookie(response, request, security.CSRF_COOKIE, token, CSRF_COOKIE_AGE)
    return response


@router.get("/sign-in")
def sign_in_page(request: Request, next: str = "/") -> Response:
    if security.optional_session(request) is not None:
        return redirect(security.safe_next(next))
    return _form(request, security.safe_next(next))


@router.post("/sign-in", dependencies=[Depends(security.check_sign_in_csrf)])
def sign_in(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    target = security.safe_next(next)
    try:
        done = signin.sign_in(
            services_of(request),
            container_of(request).passwords,
            email=email,
            password=password,
            client=_client(request),
        )
    except signin.TooManyAttempts as exc:
        refused = _form(request, target, email, exc.detail.capitalize() + ".", status=429)
        refused.headers["Retry-After"] = str(exc.seconds)
        return refused
    except DomainError as exc:
        return _form(request, target, email, exc.detail.capitalize(), status=401)
    i18n.choose_for(request, done.user)  # the flash in their own language
    response = redirect(target, _("Signed in as {name}").format(name=done.user.display_name))
    security.start_session(response, request, done.secret)
    return response


@router.post("/sign-out", dependencies=[Depends(security.csrf_protect)])
def sign_out(request: Request) -> Response:
    signin.sign_out(services_of(request), security.session_secret(request))
    response = redirect("/sign-in")
    security.end_session(response, request)
    return response
