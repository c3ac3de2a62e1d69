"""``UiRoute``: UI errors become HTML pages (never problem+json), and every UI response gets
the browser security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from tocsin.domain.errors import DomainError
from tocsin.platform.i18n import gettext as _
from tocsin.services.access.signin import TooManyAttempts
from tocsin.web import i18n
from tocsin.web.errors import (
    DOMAIN_STATUS,
    STORE_RETRY_AFTER,
    STORE_UNAVAILABLE,
    log_store_unavailable,
    validation_errors,
)
from tocsin.web.headers import COMMON_HEADERS, UI_CSP
from tocsin.web.ui.render import error_page
from tocsin.web.ui.security import CsrfFailed, SignInRequired, sign_in_url

SECURITY_HEADERS = {"Content-Security-Policy": UI_CSP, **COMMON_HEADERS, "Cache-Control": "no-store"}


def _status(exc: DomainError) -> int:
    if isinstance(exc, TooManyAttempts):
        return 429
    return next((status for cls, status in DOMAIN_STATUS.items() if isinstance(exc, cls)), 400)


def _sign_in_redirect(request: Request, exc: SignInRequired) -> Response:
    target = sign_in_url(exc.next_path if request.method == "GET" else "/")
    if request.headers.get("hx-request"):
        # htmx follows this header with a full navigation (a polling fragment must not swap
        # the sign-in page into the middle of the dashboard)
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _explain(exc: RequestValidationError) -> str:
    """Which value was refused, and why, in a sentence: ``page: Input should be greater than
    or equal to 1.``"""
    parts = []
    for error in validation_errors(exc.errors())[:3]:
        parts.append(f"{error['field']} ({error['in']}): {error['message']}")
    return "; ".join(parts) + "." if parts else _("Some of the values sent were not understood.")


async def _handle(request: Request, handler: Callable[[Request], Awaitable[Response]]) -> Response:
    try:
        return await handler(request)
    except SignInRequired as exc:
        return _sign_in_redirect(request, exc)
    except CsrfFailed:
        detail = _(
            "The form was refused because its security token is missing or stale. Reload the page and retry."
        )
        return error_page(request, 403, _("Form expired"), detail)
    except RequestValidationError as exc:
        return error_page(request, 422, _("Invalid request"), _explain(exc))
    except DomainError as exc:
        return error_page(request, _status(exc), _(exc.title), exc.detail)
    except STORE_UNAVAILABLE as exc:
        log_store_unavailable(request, exc)
        detail = _("tocsin cannot reach its database just now; nothing was changed. Retry in a moment.")
        response = error_page(request, 503, _("Database unavailable"), detail)
        response.headers.update(STORE_RETRY_AFTER)
        return response


class UiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            language = i18n.begin_request(request)  # the user's own setting: security.optional_session
            try:
                response = await _handle(request, handler)
            finally:
                i18n.end(language)
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return guarded
