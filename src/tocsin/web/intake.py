"""``POST /hooks/{kind}/{source}``: Alertmanager, Grafana and generic webhooks — the thin web
part of the intake (``services.intake`` does the rest).

Order of checks, cheapest first, nothing stored on any error: overload (503, at once) →
unknown source for this kind (404) → credentials (401) → body size (413) → JSON (400) →
shape (422, naming the JSON path) → ingest in one transaction → 200 only after the commit.
The kinds, their routes and their metric labels come from one table (``services.intake.kinds``,
rows in ``adapters.hooks``, handed over by the container).

POSTs take a lean path around FastAPI's routing: ``HookFrontDoor`` (asked first by
``web.app.TocsinApp``) recognises the webhook paths with the table's one pattern and calls the
handler directly, with what the stack would have given: the request id header, one metrics
sample and one log line (labelled with the route's template, as the router would), and a logged
500 problem for an unexpected error. The routes are still registered (for other methods' 405
and the OpenAPI checks). The ingest goes to the intake writer, which commits the webhooks
waiting at the same time together (group commit), each still atomic and answered only after
that commit. A database that does not answer gives 503 (Alertmanager retries 5xx; a 4xx it
would drop); a value it refuses (``DataError``) gives 422, since resending it cannot succeed.
Text it could not store (NUL, lone surrogates) never gets that far: ``payload.load_json``
repairs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.exc import DataError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request as StarletteRequest
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from tocsin.config import Settings
from tocsin.domain.errors import DomainError
from tocsin.services.intake.auth import Credentials
from tocsin.services.intake.batch import ingest_batch
from tocsin.services.intake.gate import Gate
from tocsin.services.intake.ingest import IngestResult
from tocsin.services.intake.kinds import BadPayload, HookKind, HookKinds
from tocsin.services.intake.receive import Intake, Source, Unauthorized, UnknownSource
from tocsin.services.intake.writer import IntakeWriter
from tocsin.web.context import container_of
from tocsin.web.errors import domain_problem, problem
from tocsin.web.middleware import Observed, RequestObserver

_log = structlog.get_logger("tocsin.web.intake")
_errors = structlog.get_logger("tocsin.web.errors")
RETRY_AFTER = {"Retry-After": "1"}
# The store itself failing (down, locked, no connection): every webhook of a batch gets 503.
STORE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout)
CHALLENGE = {"WWW-Authenticate": 'Bearer, Basic realm="tocsin"'}


class Refused(Exception):
    def __init__(self, response: JSONResponse, outcome: str) -> None:
        super().__init__(outcome)
        self.response = response
        self.outcome = outcome


class IntakeMetrics:
    """``tocsin_intake_notifications_total{source,outcome}``: accepted (changed something),
    duplicate (a repeat or a replay), rejected (4xx), unavailable (503);
    ``tocsin_intake_alerts_total{source,outcome}``: accepted or duplicate, per alert.
    ``source`` is a configured source name or ``unknown``, so clients cannot mint labels."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.notifications = Counter(
            "tocsin_intake_notifications",
            "Webhook notifications and user reports by source and outcome",
            ["source", "outcome"],
            registry=registry,
        )
        self.alerts = Counter(
            "tocsin_intake_alerts",
            "Alerts received by source and outcome",
            ["source", "outcome"],
            registry=registry,
        )

        # children by label values (bounded: configured sources and ``unknown``, four
        # outcomes): ``labels()`` costs several µs a call, twice per webhook
        self._notifications: dict[tuple[str, str], Counter] = {}
        self._alerts: dict[tuple[str, str], Counter] = {}

    def notification(self, source: str, outcome: str) -> None:
        child = self._notifications.get((source, outcome))
        if child is None:
            child = self._notifications[source, outcome] = self.notifications.labels(source, outcome)
        child.inc()

    def alert_outcomes(self, source: str, accepted: int, duplicates: int) -> None:
        for outcome, count in (("accepted", accepted), ("duplicate", duplicates)):
            if count:
                child = self._alerts.get((source, outcome))
                if child is None:
                    child = self._alerts[source, outcome] = self.alerts.labels(source, outcome)
                child.inc(count)


Handler = Callable[[StarletteRequest, str, str], Awaitable[Response]]


class HookFrontDoor:
    def __init__(
        self, handler: Handler, kinds: HookKinds, routes: Mapping[str, BaseRoute], observer: RequestObserver
    ) -> None:
        self.handler = handler
        self.kinds = kinds
        self.routes = routes  # kind -> its route, for the request's label
        self.observer = observer

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer the request if it is a webhook; ``False`` to let the app handle it."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return False
        found = self.kinds.match(scope["path"])
        if found is None:
            return False
        kind, name = found
        scope["route"] = self.routes[kind.kind.value]
        scope["path_params"] = {"source": name}
        observed = Observed(scope, send)
        try:
            try:
                response = await self.handler(StarletteRequest(scope, receive), kind.kind.value, name)
            except Exception as exc:
                _errors.error("unhandled_error", path=scope["path"], error=type(exc).__name__, exc_info=exc)
                response = problem(500, "an unexpected error occurred; it has been logged")
            await response(scope, receive, observed.send_with_id)
        finally:
            observed.done(self.observer)
        return True


def sources_of(settings: Settings) -> dict[str, Source]:
    """Every configured source's policy and credentials, built once at start."""
    return {
        name: Source(
            source.policy(name),
            Credentials(
                token=source.token.get_secret_value() if source.token else None,
                username=source.username,
                password=source.password.get_secret_value() if source.password else None,
                hmac_secret=source.hmac_secret.get_secret_value() if source.hmac_secret else None,
                hmac_timestamp_header=source.hmac_timestamp_header,
            ),
        )
        for name, source in settings.sources.items()
    }


def install(app: Any, *, max_in_flight: int) -> HookFrontDoor:
    """Give the app its intake (sources, writer), gate and counters (on the app's own metrics
    registry); one route per kind of the table; the front door that takes their POSTs."""
    container = app.state.container
    kinds: HookKinds = container.hook_kinds
    app.state.intake_gate = Gate(max_in_flight)
    app.state.intake_metrics = IntakeMetrics(app.state.metrics.registry)
    app.state.intake_writer = IntakeWriter(
        partial(ingest_batch, container.services, unavailable=STORE_UNAVAILABLE)
    )
    app.state.intake = Intake(kinds, sources_of(container.settings), app.state.intake_writer, container.clock)
    router = APIRouter(include_in_schema=False)
    for kind in kinds.rows:
        router.add_api_route(kind.route, _endpoint(kind), methods=["POST"], name=kind.kind.value)
    app.include_router(router)
    routes = {route.path.split("/")[2]: route for route in router.routes if isinstance(route, APIRoute)}
    return HookFrontDoor(handle, kinds, routes, app.state.metrics)


def _endpoint(kind: HookKind) -> Callable[[Request, str], Awaitable[JSONResponse]]:
    async def endpoint(request: Request, source: str) -> JSONResponse:
        return await handle(request, kind.kind.value, source)

    return endpoint


def _too_big(limit: int) -> Refused:
    return Refused(problem(413, f"the request body is larger than {limit} bytes"), "rejected")


async def read_body(request: StarletteRequest, limit: int) -> bytes:
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


def _unauthorized(refusal: Unauthorized) -> Refused:
    headers = CHALLENGE if refusal.challenge else None
    return Refused(problem(401, str(refusal), headers=headers), "rejected")


def source_named(request: StarletteRequest, kind: str, name: str) -> Source:
    """The source ``name`` of ``kind`` whose credentials the request carries; else 404 / 401."""
    intake: Intake = request.app.state.intake
    try:
        return intake.source(kind, name, request.headers)
    except UnknownSource as exc:
        raise Refused(problem(404, str(exc)), "rejected") from None
    except Unauthorized as exc:
        raise _unauthorized(exc) from None


async def _receive(request: StarletteRequest, kind: str, name: str) -> IngestResult:
    intake: Intake = request.app.state.intake
    source = source_named(request, kind, name)
    body = await read_body(request, container_of(request).settings.intake.max_body_bytes)
    try:
        notification = intake.parse(source, request.headers, body)
    except Unauthorized as exc:
        raise _unauthorized(exc) from None
    except BadPayload as exc:
        answer = (
            problem(exc.status, exc.detail, title=exc.title, errors=list(exc.errors))
            if exc.errors
            else problem(exc.status, exc.detail, title=exc.title)
        )
        raise Refused(answer, "rejected") from None
    try:
        return await intake.store(source, notification)
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


async def handle(request: StarletteRequest, kind: str, name: str) -> JSONResponse:
    gate: Gate = request.app.state.intake_gate
    metrics: IntakeMetrics = request.app.state.intake_metrics
    label = request.app.state.intake.label(name)
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
    accepted = result.accepted  # counted once: each reading walks the outcomes
    duplicates = len(result.outcomes) - accepted
    metrics.notification(label, "accepted" if accepted else "duplicate")
    metrics.alert_outcomes(label, accepted, duplicates)
    body = {
        "incident_id": result.incident_id,
        "route": result.route.value,
        "accepted": accepted,
        "duplicates": duplicates,
    }
    return JSONResponse(body)
