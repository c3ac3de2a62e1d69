"""``/api/v1/incidents/{id}/breach…`` and ``/api/v1/breaches``: the GDPR personal-data breach
(Art. 33/34) over HTTP. Security data: every route first refuses, as a 404, whoever may not see
the incident (``restriction.require_clearance``); the use cases then require the security role."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from tocsin.domain import restriction
from tocsin.domain.access import Actor
from tocsin.domain.breach_communication import DeliveryState
from tocsin.domain.errors import InvalidInput
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import incidents
from tocsin.services.security import breach_communication as communication
from tocsin.services.security import breaches as use_cases
from tocsin.services.security.breaches import BreachView
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.breach_schemas import (
    AssessmentIn,
    BreachOut,
    CommunicationOut,
    MessageIn,
    NoticeIn,
    SendIn,
    SummaryOut,
    UploadOut,
)
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.breach_html import dossier_html
from tocsin.web.context import services_of
from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.schemas import Problem

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
router = APIRouter(
    prefix=API_PREFIX,
    tags=["breach (GDPR)"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)
STYLESHEET = "/static/dossier.css"


async def csv_body(request: Request) -> bytes:
    """The raw request body (the middleware caps its size); the endpoint itself stays sync."""
    return await request.body()


def clearance(request: Request, incident_id: int, actor: Actor) -> None:
    """404 for whoever may not see the incident (before any breach use case is asked)."""
    incident = incidents.get_incident(services_of(request), IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)


def _out(view: BreachView) -> BreachOut:
    deadline = view.clock.notify_by - view.breach.aware_at
    return BreachOut.of(view, view.breach.late(deadline))


@router.post("/incidents/{incident_id}/breach", response_model=BreachOut)
def assess(
    request: Request, incident_id: IncidentPath, body: AssessmentIn, actor: CurrentActor, response: Response
) -> BreachOut:
    """Record the incident's personal-data breach (a security incident only: 409 otherwise) or
    update its assessment. Its 72 h clock starts at ``aware_at`` (now by default)."""
    clearance(request, incident_id, actor)
    view = use_cases.assess_breach(
        services_of(request),
        IncidentId(incident_id),
        body.to_domain(),
        aware_at=body.aware_at,
        delay_reasons=body.delay_reasons,
        by=actor,
    )
    if view.breach.created_at == view.breach.updated_at and not view.breach.notices:
        response.status_code = 201
    return _out(view)


@router.get("/incidents/{incident_id}/breach", response_model=BreachOut)
def get_breach(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> BreachOut:
    clearance(request, incident_id, actor)
    return _out(use_cases.view_breach(services_of(request), IncidentId(incident_id), by=actor))


@router.post("/incidents/{incident_id}/breach/notifications", status_code=201, response_model=BreachOut)
def notify(request: Request, incident_id: IncidentPath, body: NoticeIn, actor: CurrentActor) -> BreachOut:
    """Record the initial notification to the supervisory authority, or a follow-up (Art. 33(4))."""
    clearance(request, incident_id, actor)
    view = use_cases.record_notification(
        services_of(request),
        IncidentId(incident_id),
        kind=body.kind,
        at=body.at,
        method=body.method,
        reference=body.reference,
        note=body.note,
        delay_reasons=body.delay_reasons,
        by=actor,
    )
    return _out(view)


@router.get(
    "/incidents/{incident_id}/breach/dossier.md",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}, "description": "the Art. 33(3) dossier"}},
)
def dossier_md(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Response:
    clearance(request, incident_id, actor)
    text = use_cases.dossier(services_of(request), IncidentId(incident_id), by=actor)
    disposition = f'inline; filename="breach-{incident_id}-dossier.md"'
    return PlainTextResponse(
        text, media_type="text/markdown; charset=utf-8", headers={"Content-Disposition": disposition}
    )


@router.get("/incidents/{incident_id}/breach/dossier.html", response_class=HTMLResponse)
def dossier_page(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> HTMLResponse:
    clearance(request, incident_id, actor)
    text = use_cases.dossier(services_of(request), IncidentId(incident_id), by=actor)
    title = f"Breach notification dossier — incident #{incident_id}"
    return HTMLResponse(dossier_html(text, title=title, stylesheet=STYLESHEET))


def csv_text(columns: Iterable[str], rows: Iterable[Mapping[str, str]]) -> str:
    """CSV whose cells cannot run as spreadsheet formulas (a leading = + - @ is quoted away)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for k, v in row.items()}
        )
    return buffer.getvalue()


def _register_csv(request: Request, actor: Actor) -> Response:
    columns, rows = use_cases.register_rows(services_of(request), by=actor)
    return Response(
        csv_text(columns, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="breach-register.csv"'},
    )


@router.get("/breaches", response_model=list[BreachOut])
def register(
    request: Request, actor: CurrentActor, format: Annotated[Literal["json", "csv"], Query()] = "json"
) -> Any:
    """The breach register (Art. 33(5)): every breach, notified or not, with its facts, effects,
    remedial action and the rationale of the decision. ``?format=csv`` for a spreadsheet."""
    if format == "csv":
        return _register_csv(request, actor)
    return [_out(v) for v in use_cases.register(services_of(request), by=actor)]


@router.get("/breaches.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def register_csv(request: Request, actor: CurrentActor) -> Response:
    return _register_csv(request, actor)


# --- Art. 34: the communication to data subjects ----------------------------------------------


@router.get("/incidents/{incident_id}/breach/communication", response_model=CommunicationOut)
def get_communication(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    *,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> CommunicationOut:
    """The message (the template prefilled from the record until saved), the delivery summary and
    a page of addresses with their state (``?state=failed``)."""
    clearance(request, incident_id, actor)
    view = communication.view(
        services_of(request), IncidentId(incident_id), by=actor, state=state, limit=limit, offset=offset
    )
    return CommunicationOut.render(view)


@router.put("/incidents/{incident_id}/breach/communication", response_model=CommunicationOut)
def save_message(
    request: Request, incident_id: IncidentPath, body: MessageIn, actor: CurrentActor
) -> CommunicationOut:
    clearance(request, incident_id, actor)
    view = communication.save_message(
        services_of(request), IncidentId(incident_id), subject=body.subject, body=body.body, by=actor
    )
    return CommunicationOut.render(view)


@router.post(
    "/incidents/{incident_id}/breach/communication/recipients",
    response_model=UploadOut,
    openapi_extra={
        "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
    },
)
def upload_recipients(
    request: Request, incident_id: IncidentPath, actor: CurrentActor, raw: Annotated[bytes, Depends(csv_body)]
) -> UploadOut:
    """A CSV (``text/csv``) with a header naming an ``email`` column, and optionally ``name``:
    the affected addresses are added (a bad line is a 422 naming it; nothing is written then)."""
    return _upload(request, incident_id, actor, raw)


def _upload(request: Request, incident_id: int, actor: Actor, raw: bytes) -> UploadOut:
    clearance(request, incident_id, actor)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"csv: not UTF-8 text (byte {exc.start})") from None
    svc = services_of(request)
    in_file, added = communication.upload(svc, IncidentId(incident_id), text, by=actor)
    summary = communication.view(svc, IncidentId(incident_id), by=actor, limit=1).summary
    return UploadOut(in_file=in_file, added=added, summary=SummaryOut.render(summary))


@router.post("/incidents/{incident_id}/breach/communication/send", status_code=202, response_model=SummaryOut)
def send(
    request: Request, incident_id: IncidentPath, actor: CurrentActor, body: SendIn | None = None
) -> SummaryOut:
    """Queue the pending addresses in batches (durable jobs); the summary counts them as they go."""
    clearance(request, incident_id, actor)
    summary = communication.send(
        services_of(request), IncidentId(incident_id), by=actor, retry_failed=bool(body and body.retry_failed)
    )
    return SummaryOut.render(summary)
