"""Who is signed in, and the CSRF check every form post passes.

The session cookie is HttpOnly and SameSite=Lax, and Secure (with the ``__Host-`` prefix) when
tocsin is reached over https (``server.base_url`` or the request's scheme behind a TLS proxy).
Signed-in forms carry the session's CSRF token; the sign-in form, which has no session yet,
carries a token that must match a cookie of its own (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request, Response

from tocsin.domain.access import Role
from tocsin.domain.user import SESSION_LIFETIME, WebSession
from tocsin.services.access import signin
from tocsin.web import i18n
from tocsin.web.context import container_of, services_of

SESSION_COOKIE = "tocsin_session"
CSRF_COOKIE = "tocsin_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfFailed(Exception):
    """The form's CSRF token is missing or does not match."""


def is_secure(request: Request) -> bool:
    return (
        container_of(request).settings.server.base_url.startswith("https://") or request.url.scheme == "https"
    )


def cookie_name(request: Request, base: str) -> str:
    """``__Host-`` cookies are only accepted by browsers when Secure, on ``/``, without a domain."""
    return f"__Host-{base}" if is_secure(request) else base


def set_cookie(response: Response, request: Request, base: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        cookie_name(request, base),
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_secure(request),
    )


def start_session(response: Response, request: Request, secret: str) -> None:
    set_cookie(response, request, SESSION_COOKIE, secret, int(SESSION_LIFETIME.total_seconds()))


def end_session(response: Response, request: Request) -> None:
    response.delete_cookie(cookie_name(request, SESSION_COOKIE), path="/", secure=is_secure(request))


def session_secret(request: Request) -> str:
    return request.cookies.get(cookie_name(request, SESSION_COOKIE), "")


def optional_session(request: Request) -> WebSession | None:
    secret = session_secret(request)
    session = signin.current_session(services_of(request), secret) if secret else None
    if session is not None:
        i18n.choose_for(request, session.user)  # their language and time zone for this request
    return session


def here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return request.url.path + query


def signed_in(
    request: Request, session: Annotated[WebSession | None, Depends(optional_session)]
) -> WebSession:
    if session is None:
        raise SignInRequired(here(request))
    return session


def sign_in_url(next_path: str) -> str:
    return "/sign-in" if next_path in ("", "/") else f"/sign-in?next={quote(next_path, safe='/')}"


def safe_next(value: str | None) -> str:
    """Only a path on this site: never ``//host``, ``/\\host`` or an absolute URL."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value


def _same(given: object, expected: str) -> bool:
    return isinstance(given, str) and bool(given) and hmac.compare_digest(given, expected)


async def csrf_protect(request: Request, session: Annotated[WebSession, Depends(signed_in)]) -> WebSession:
    """The dependency of every signed-in form post: the session, once its token matched."""
    form = await request.form()
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER, "")
    if not _same(given, session.csrf_token):
        raise CsrfFailed()
    return session


def sign_in_csrf(request: Request) -> str:
    """The sign-in form's token: the cookie's, or a fresh one to be set as the cookie."""
    return request.cookies.get(cookie_name(request, CSRF_COOKIE)) or secrets.token_urlsafe(32)


async def check_sign_in_csrf(request: Request) -> None:
    form = await request.form()
    expected = request.cookies.get(cookie_name(request, CSRF_COOKIE), "")
    if not expected or not _same(form.get(CSRF_FIELD), expected):
        raise CsrfFailed()


async def acting_session(session: Annotated[WebSession, Depends(csrf_protect)]) -> WebSession:
    """A form that changes something: the responder role at least (viewers read), checked
    before the form's fields, so a viewer gets 403 whatever they sent. (Signing out is not
    acting: ``/sign-out`` depends on ``csrf_protect`` alone.)"""
    session.user.actor.require(Role.RESPONDER, "changing anything")
    return session


Session = Annotated[WebSession, Depends(signed_in)]
FormSession = Annotated[WebSession, Depends(acting_session)]
