"""``/api/v1/incidents``: each route parses, calls one use case from ``services.incidents.incidents``,
renders. Roles are checked by the services; transactions are theirs too, so an error leaves
nothing half-written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from tocsin.domain.access import Actor
from tocsin.domain.alert import AlertCounts
from tocsin.domain.breach import BreachClock
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.incidents import flags
from tocsin.services.incidents import incidents as use_cases
from tocsin.services.intake.alerts import alert_counts
from tocsin.services.security import breaches
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of, services_of
from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.incident_out import IncidentOut, IncidentPage, TimelineEventOut
from tocsin.web.schemas import (
    ImpactIn,
    IncidentCreate,
    IncidentQuery,
    IncidentUpdate,
    NoteCreate,
    Problem,
    ReopenRequest,
    ResolveRequest,
    SecurityRequest,
    encode_cursor,
)

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
TIMELINE_PAGE = 100  # timeline events per API page unless ``limit`` says otherwise
router = APIRouter(
    prefix=f"{API_PREFIX}/incidents",
    tags=["incidents"],
    # Every route here requires a token, even one whose author forgot ``CurrentActor``;
    # FastAPI caches the dependency, so routes that take the actor authenticate once.
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)

# Bounded so an absurd id is a 422, not a database overflow.
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="the incident id")]


def _render(
    request: Request,
    incident: Incident,
    counts: AlertCounts | None = None,
    *,
    actor: Actor,
    clocks: Mapping[int, BreachClock] | None = None,
) -> IncidentOut:
    container = container_of(request)
    if counts is None:
        counts = alert_counts(container.services, [incident.id]).get(incident.id)
    if clocks is None:  # the breach clock only for those cleared to see it ({} otherwise)
        clocks = breaches.clocks(container.services, [incident.id], by=actor) if incident.security else {}
    plan, now = container.services.plan, container.clock.now()
    return IncidentOut.render(incident, plan=plan, now=now, alerts=counts, breach=clocks.get(incident.id))


def _answer(out: IncidentOut, status_code: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """``out`` as JSON, the bytes FastAPI's ``response_model`` path writes (pydantic's
    ``dump_json``, by alias), without its validation of a model built here a moment ago and,
    for a sync route, the second hop to the thread pool that validation takes."""
    return Response(out.model_dump_json(by_alias=True), status_code, headers, media_type="application/json")


@router.post("", status_code=201, response_model=IncidentOut)
def declare(request: Request, body: IncidentCreate, actor: CurrentActor) -> Response:
    """Declare an incident: its response-time clock starts now. With ``security: true`` its
    details are restricted from the start (the answer is what you may see of it)."""
    incident = use_cases.declare_incident(
        services_of(request),
        title=body.title,
        severity=body.severity,
        summary=body.summary,
        security=body.security,
        by=actor,
    )
    location = request.url_for("get_incident", incident_id=incident.id).path
    out = _render(request, incident, AlertCounts(), actor=actor)  # just declared: no alert yet
    return _answer(out, 201, {"Location": location})


@router.get("", response_model=IncidentPage)
def list_incidents(
    request: Request, actor: CurrentActor, params: Annotated[IncidentQuery, Query()]
) -> IncidentPage:
    """Incidents, P0 first then newest first, in an envelope ``{items, total, limit, offset}``."""
    page = use_cases.list_incidents(services_of(request), params.to_filter(), by=actor)
    counts = alert_counts(services_of(request), [incident.id for incident in page.items])
    clocks = breaches.clocks(services_of(request), [i.id for i in page.items if i.security], by=actor)
    return IncidentPage(
        items=[
            _render(request, incident, counts.get(incident.id, AlertCounts()), actor=actor, clocks=clocks)
            for incident in page.items
        ],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_cursor=encode_cursor(page.items[-1]) if len(page.items) == page.limit else None,
    )


@router.get("/{incident_id}", response_model=IncidentOut, name="get_incident")
def get_incident(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> IncidentOut:
    # one read-only unit of work for the incident and its alert counts
    incident, counts = use_cases.get_incident_with_alerts(
        services_of(request), IncidentId(incident_id), by=actor
    )
    return _render(request, incident, counts, actor=actor)


@router.patch("/{incident_id}", response_model=IncidentOut)
def update(
    request: Request, incident_id: IncidentPath, body: IncidentUpdate, actor: CurrentActor
) -> IncidentOut:
    """Change the severity and/or title. While unacknowledged, a new severity restarts the
    response-time clock from the detection time."""
    incident = use_cases.update_incident(
        services_of(request),
        IncidentId(incident_id),
        severity=body.severity,
        title=body.title,
        reason=body.reason,
        by=actor,
    )
    return _render(request, incident, actor=actor)


@router.post("/{incident_id}/acknowledge", response_model=IncidentOut)
def acknowledge(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Response:
    """Stop the response-time clock and start triage."""
    incident, counts = use_cases.acknowledge_with_alerts(
        services_of(request), IncidentId(incident_id), by=actor
    )
    return _answer(_render(request, incident, counts or AlertCounts(), actor=actor))


@router.post("/{incident_id}/resolve", response_model=IncidentOut)
def resolve(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    body: Annotated[ResolveRequest | None, Body()] = None,
) -> IncidentOut:
    """Service restored: post-incident starts (P0/P1 get a post-mortem deadline)."""
    summary = body.summary if body else ""
    incident = use_cases.resolve_incident(
        services_of(request), IncidentId(incident_id), summary=summary, by=actor
    )
    return _render(request, incident, actor=actor)


@router.post("/{incident_id}/reopen", response_model=IncidentOut)
def reopen(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    body: Annotated[ReopenRequest | None, Body()] = None,
) -> IncidentOut:
    reason = body.reason if body else ""
    incident = use_cases.reopen_incident(
        services_of(request), IncidentId(incident_id), reason=reason, by=actor
    )
    return _render(request, incident, actor=actor)


@router.post("/{incident_id}/close", response_model=IncidentOut)
def close(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> IncidentOut:
    incident = use_cases.close_incident(services_of(request), IncidentId(incident_id), by=actor)
    return _render(request, incident, actor=actor)


@router.post("/{incident_id}/impact", response_model=IncidentOut)
def assess_impact(
    request: Request, incident_id: IncidentPath, body: ImpactIn, actor: CurrentActor
) -> IncidentOut:
    """Record the triage answers; during triage this moves the incident to resolution."""
    incident = use_cases.assess_impact(
        services_of(request), IncidentId(incident_id), body.to_domain(), by=actor
    )
    return _render(request, incident, actor=actor)


@router.post("/{incident_id}/notes", status_code=201, response_model=IncidentOut)
def add_note(
    request: Request, incident_id: IncidentPath, body: NoteCreate, actor: CurrentActor, response: Response
) -> IncidentOut:
    """Append a note to the timeline. Returns the incident; the note is in its timeline."""
    incident = use_cases.add_note(
        services_of(request), IncidentId(incident_id), body.text, kind=body.kind, by=actor
    )
    response.headers["Location"] = request.url_for("get_timeline", incident_id=incident.id).path
    return _render(request, incident, actor=actor)


@router.get("/{incident_id}/timeline", response_model=list[TimelineEventOut], name="get_timeline")
def timeline(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    response: Response,
    *,
    limit: Annotated[
        int, Query(ge=1, le=1000, description="at most this many events (100 unless given)")
    ] = TIMELINE_PAGE,
    after: Annotated[
        int | None, Query(ge=1, le=2**62, description="only events after this one (its id): the next page")
    ] = None,
) -> list[TimelineEventOut]:
    """Who did what, when: oldest first, a page of ``limit`` events (100 unless given); the next
    page is ``after`` the last id of this one, its address in ``Link: <…>; rel="next"`` when
    this page is full."""
    events = use_cases.get_timeline(
        services_of(request), IncidentId(incident_id), by=actor, after=after, limit=limit
    )
    if len(events) == limit:
        following = request.url.include_query_params(limit=limit, after=events[-1].id)
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return [TimelineEventOut.render(event) for event in events]


@router.post("/{incident_id}/security", response_model=IncidentOut)
def mark_security(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    body: Annotated[SecurityRequest | None, Body()] = None,
) -> IncidentOut:
    """Mark a security incident: from now on only the security role and admins read its details
    (in every interface, Slack and GitHub included); the plan's security procedure applies."""
    reason = body.reason if body else ""
    incident = flags.mark_security_incident(
        services_of(request), IncidentId(incident_id), reason=reason, by=actor
    )
    return _render(request, incident, actor=actor)


@router.delete("/{incident_id}/security", response_model=IncidentOut)
def unmark_security(
    request: Request,
    incident_id: IncidentPath,
    actor: CurrentActor,
    reason: Annotated[str, Query(min_length=1, max_length=10_000, description="why it is not one")],
) -> IncidentOut:
    """Lift the restriction (admins only, with a reason on the timeline)."""
    incident = flags.unmark_security_incident(
        services_of(request), IncidentId(incident_id), reason=reason, by=actor
    )
    return _render(request, incident, actor=actor)
