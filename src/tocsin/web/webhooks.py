"""``POST /hooks/{kind}/{source}``: Alertmanager, Grafana and generic webhooks.

Order of checks, cheapest first, nothing stored on any error: overload (503, at once) →
unknown source for this kind (404) → credentials (401) → body size (413) → JSON (400) →
shape (422, naming the JSON path) → ingest in one transaction → 200 only after the commit.
POSTs take a lean path around FastAPI's routing (``intake_route``); the ingest itself goes
to the intake writer (``intake_writer``), which commits the webhooks waiting at the same time
together (group commit), each still atomic and answered only after that commit.
A database that does not answer gives 503 (Alertmanager retries 5xx; a 4xx it would drop); a
value it refuses (``DataError``) gives 422, since resending it cannot succeed. Text it could not
store (NUL, lone surrogates) never gets that far: ``payload.load_json`` repairs it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from tocsin.adapters.alertmanager import parse_alertmanager, parse_envelope
from tocsin.adapters.generic import parse_generic
from tocsin.adapters.payload import PayloadError, load_json
from tocsin.config.sources import SourceSettings
from tocsin.domain.alert import Notification
from tocsin.domain.errors import DomainError
from tocsin.domain.source import SourcePolicy
from tocsin.services.ingest import IngestResult
from tocsin.services.ingest_batch import Pending
from tocsin.web.context import container_of
from tocsin.web.errors import domain_problem, problem
from tocsin.web.intake_auth import authorized, signed
from tocsin.web.intake_gate import Gate, IntakeMetrics
from tocsin.web.intake_route import HookFrontDoor
from tocsin.web.intake_writer import IntakeWriter

_log = structlog.get_logger("tocsin.web.intake")
RETRY_AFTER = {"Retry-After": "1"}
# The store itself failing (down, locked, no connection): every webhook of a batch gets 503.
STORE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)

Parser = Callable[[Any, str, SourceSettings, datetime], Notification]
PARSERS: dict[str, Parser] = {
    "alertmanager": lambda value, name, _settings, _at: parse_alertmanager(value, source=name),
    "grafana": lambda value, name, _settings, _at: parse_envelope(value, source=name, versions=("1", "4")),
    "generic": lambda value, name, settings, at: parse_generic(
        value, source=name, group_by=settings.group_by, at=at
    ),
}

router = APIRouter(include_in_schema=False)


class Refused(Exception):
    def __init__(self, response: JSONResponse, outcome: str) -> None:
        super().__init__(outcome)
        self.response = response
        self.outcome = outcome


def install(app: Any, *, max_in_flight: int) -> HookFrontDoor:
    """Give the app its intake gate and counters (on the app's own metrics registry); the
    front door that takes the webhooks' POSTs (see ``intake_route``)."""
    app.state.intake_gate = Gate(max_in_flight)
    app.state.intake_metrics = IntakeMetrics(app.state.metrics.registry)
    services = app.state.container.services
    app.state.intake_writer = IntakeWriter(services, unavailable=STORE_UNAVAILABLE)
    app.state.intake_policies = {}
    app.include_router(router)
    routes = {route.path.split("/")[2]: route for route in router.routes if isinstance(route, APIRoute)}
    return HookFrontDoor(handle, routes, app.state.metrics)


def _policy(request: Request, name: str, source: SourceSettings) -> SourcePolicy:
    """The source's policy (its severity rules parsed), built once per app and source."""
    policies: dict[str, SourcePolicy] = request.app.state.intake_policies
    policy = policies.get(name)
    if policy is None:
        policy = policies[name] = source.policy(name)
    return policy


def _too_big(limit: int) -> Refused:
    return Refused(problem(413, f"the request body is larger than {limit} bytes"), "rejected")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_big(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_big(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def source_named(request: Request, kind: str, name: str) -> SourceSettings:
    """The source ``name`` of ``kind`` whose credentials the request carries; else 404 / 401."""
    source = container_of(request).settings.sources.get(name)
    if source is None or source.kind != kind:
        raise Refused(problem(404, f"no {kind} source named {name!r:.100}"), "rejected")
    if not authorized(source, request.headers):
        headers = {"WWW-Authenticate": 'Bearer, Basic realm="tocsin"'}
        raise Refused(
            problem(401, "valid credentials for this source are required", headers=headers), "rejected"
        )
    return source


def _parse(kind: str, name: str, source: SourceSettings, body: bytes, at: datetime) -> Notification:
    try:
        value = load_json(body)
    except ValueError as exc:
        raise Refused(problem(400, str(exc), title="Malformed JSON"), "rejected") from None
    except PayloadError as exc:
        raise _invalid(exc) from None
    try:
        return PARSERS[kind](value, name, source, at)
    except PayloadError as exc:
        raise _invalid(exc) from None


def _invalid(exc: PayloadError) -> Refused:
    errors = [{"field": exc.path, "in": "body", "message": exc.message}]
    return Refused(problem(422, exc.detail, title="Invalid payload", errors=errors), "rejected")


async def _receive(request: Request, kind: str, name: str) -> IngestResult:
    container = container_of(request)
    source = source_named(request, kind, name)
    body = await read_body(request, container.settings.intake.max_body_bytes)
    if not signed(source, request.headers, body):
        raise Refused(problem(401, "valid credentials for this source are required"), "rejected")
    notification = _parse(kind, name, source, body, container.clock.now())
    writer: IntakeWriter = request.app.state.intake_writer
    try:
        return await writer.submit(Pending(_policy(request, name, source), notification))
    except DataError as exc:  # a value the database refuses: resending it will not help
        _log.error("intake_value_refused", source=name, error=type(exc).__name__)
        detail = "the database refused a value of this notification; nothing was stored"
        raise Refused(problem(422, detail, title="Invalid payload"), "rejected") from None
    except (DBAPIError, PoolTimeout) as exc:
        _log.warning("intake_store_unavailable", source=name, error=type(exc).__name__)
        detail = "the database is unavailable; nothing was stored, retry later"
        raise Refused(problem(503, detail, headers=RETRY_AFTER), "unavailable") from None
    except DomainError as exc:
        raise Refused(domain_problem(exc), "rejected") from None


async def handle(request: Request, kind: str, name: str) -> JSONResponse:
    gate: Gate = request.app.state.intake_gate
    metrics: IntakeMetrics = request.app.state.intake_metrics
    label = name if name in container_of(request).settings.sources else "unknown"
    if not gate.enter():
        metrics.notification(label, "unavailable")
        return problem(503, "intake is at capacity; retry later", headers=RETRY_AFTER)
    try:
        result = await _receive(request, kind, name)
    except Refused as refused:
        metrics.notification(label, refused.outcome)
        return refused.response
    finally:
        gate.leave()
    metrics.notification(label, "accepted" if result.accepted else "duplicate")
    metrics.alert_outcomes(label, result.accepted, result.duplicates)
    body = {
        "incident_id": result.incident_id,
        "route": result.route.value,
        "accepted": result.accepted,
        "duplicates": result.duplicates,
    }
    return JSONResponse(body)


@router.post("/hooks/alertmanager/{source}")
async def alertmanager(request: Request, source: str) -> JSONResponse:
    return await handle(request, "alertmanager", source)


@router.post("/hooks/grafana/{source}")
async def grafana(request: Request, source: str) -> JSONResponse:
    return await handle(request, "grafana", source)


@router.post("/hooks/generic/{source}")
async def generic(request: Request, source: str) -> JSONResponse:
    return await handle(request, "generic", source)
