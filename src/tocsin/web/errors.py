"""Every error the web layer returns, as RFC 9457 problem details (``application/problem+json``).

The one place where errors become HTTP:

    DomainError
    ├── NotFound            404
    ├── InvalidTransition   409  (the detail names the current phase)
    ├── Conflict            409
    ├── InvalidInput        422
    └── PermissionDenied    403
    AuthenticationError     401  (with ``WWW-Authenticate: Bearer``)
    RequestValidationError  422  (``errors`` names each field and, for choices, the allowed values)
    HTTPException           its own status (unknown route 404, wrong method 405, ...)
    STORE_UNAVAILABLE       503  (with ``Retry-After``: the database does not answer; nothing
                                  was done, the same request will work once it is back)
    anything else           500  (no detail: the log has it)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from tocsin.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)

PROBLEM_JSON = "application/problem+json"

# The store itself failing (refused, down, locked, no connection in the pool): the request
# did nothing durable (its transaction never committed), so it may simply be sent again.
STORE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
STORE_RETRY_AFTER = {"Retry-After": "5"}
STORE_UNAVAILABLE_DETAIL = "the database is unavailable; nothing was changed, retry later"

_log = structlog.get_logger("tocsin.web")

DOMAIN_STATUS: Mapping[type[DomainError], int] = {
    NotFound: 404,
    InvalidTransition: 409,
    Conflict: 409,
    InvalidInput: 422,
    PermissionDenied: 403,
}


class AuthenticationError(Exception):
    """No usable bearer token: missing, malformed, unknown or revoked (never said which)."""

    def __init__(self, detail: str = "a valid bearer token is required") -> None:
        super().__init__(detail)
        self.detail = detail


def problem_type(status: int) -> str:
    """A stable, non-dereferenceable type URI per status, e.g. ``urn:tocsin:problem:not-found``."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "error"
    return "urn:tocsin:problem:" + re.sub(r"[^a-z0-9]+", "-", phrase.lower()).strip("-")


def problem(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


def _status_of(exc: DomainError) -> int:
    """The status of the class it belongs to; a new, unmapped subclass is a plain 400."""
    for cls, status in DOMAIN_STATUS.items():
        if isinstance(exc, cls):
            return status
    return 400


_FIELD_PREFIX = re.compile(r"^(\w+): ")


def domain_problem(exc: DomainError) -> JSONResponse:
    """Map a domain error. ``InvalidInput`` messages start with the field (``title: ...``) when
    they concern one field; that field is echoed in ``errors`` like a validation error."""
    status = _status_of(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInput) and (match := _FIELD_PREFIX.match(exc.detail)):
        extra["errors"] = [{"field": match.group(1), "message": exc.detail[match.end() :]}]
    return problem(status, exc.detail, title=exc.title, **extra)


def _allowed_values(error: Mapping[str, Any]) -> list[str] | None:
    """Pydantic words enum/literal errors as ``'P0', 'P1', 'P2' or 'P3'``; recover the list."""
    expected = (error.get("ctx") or {}).get("expected")
    if error.get("type") not in {"enum", "literal_error"} or not isinstance(expected, str):
        return None
    return re.findall(r"'([^']*)'", expected)


_TYPE_NAMES = frozenset({"int", "str", "float", "bool", "none", "bytes", "decimal", "list", "dict"})


def _is_type_tag(part: Any) -> bool:
    """Pydantic names the branch of a union it tried in the error's location (``list[str]``,
    ``dict[str,str-enum[ComponentStatus]]``, ``function-after[…]``): words for no user."""
    return isinstance(part, str) and ("[" in part or part in _TYPE_NAMES)


def _field_of(loc: Sequence[Any]) -> tuple[str, str]:
    """``("body", "impact", 0)`` -> ``("body", "impact.0")``; ``("body",)`` -> ``("body", "body")``;
    the branches of a union are left out (``components.list[str]`` -> ``components``)."""
    where = str(loc[0]) if loc else "body"
    rest = [str(part) for part in loc[1:] if not _is_type_tag(part)]
    return where, ".".join(rest) if rest else where


_VALID = "Input should be a valid "


def _one_per_union(items: list[dict[str, Any]], unions: list[bool]) -> list[dict[str, Any]]:
    """Errors from the branches of one union field read as one sentence: "components: Input should
    be a valid list or dictionary"; a branch that got further (an unknown value inside the map)
    speaks alone."""
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    deeper = [i["field"] for i, union in zip(items, unions, strict=True) if union]
    for item, union in zip(items, unions, strict=True):
        key = (item["in"], item["field"])
        shallow = item["message"].startswith(_VALID)
        if union and shallow and any(f.startswith(item["field"] + ".") for f in deeper):
            continue
        if union and shallow and key in seen and seen[key]["message"].startswith(_VALID):
            seen[key]["message"] += " or " + item["message"].removeprefix(_VALID)
            continue
        seen.setdefault(key, item)
        out.append(item)
    return out


def validation_errors(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    unions: list[bool] = []
    for error in errors:
        loc = error.get("loc", ())
        unions.append(any(_is_type_tag(part) for part in loc[1:]))
        where, field = _field_of(loc)
        item: dict[str, Any] = {"field": field, "in": where, "message": str(error.get("msg", "invalid"))}
        if error.get("type") == "json_invalid":
            item = {"field": "body", "in": "body", "message": "the request body is not valid JSON"}
        allowed = _allowed_values(error)
        if allowed:
            item["allowed"] = allowed
            item["message"] = f"unknown value {error.get('input')!r}: allowed values are {', '.join(allowed)}"
        out.append(item)
    return _one_per_union(out, unions)


def _describe(item: Mapping[str, Any]) -> str:
    return f"{item['field']}: {item['message']}"


async def _on_domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(exc)


async def _on_authentication_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AuthenticationError)
    return problem(401, exc.detail, headers={"WWW-Authenticate": "Bearer"})


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = validation_errors(exc.errors())
    detail = "; ".join(_describe(item) for item in items) or "invalid request"
    return problem(422, detail, title="Invalid request", errors=items)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"no such resource: {request.url.path}"
    return problem(exc.status_code, detail, headers=exc.headers)


def log_store_unavailable(request: Request, exc: BaseException) -> None:
    _log.warning("store_unavailable", path=request.url.path, error=type(exc).__name__)


async def _on_store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log_store_unavailable(request, exc)
    return problem(503, STORE_UNAVAILABLE_DETAIL, title="Database unavailable", headers=STORE_RETRY_AFTER)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.error("unhandled_error", path=request.url.path, error=type(exc).__name__, exc_info=exc)
    return problem(500, "an unexpected error occurred; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(AuthenticationError, _on_authentication_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_exception)
    for unavailable in STORE_UNAVAILABLE:
        app.add_exception_handler(unavailable, _on_store_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
