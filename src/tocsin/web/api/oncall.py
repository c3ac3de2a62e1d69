"""On call and escalation over HTTP: who is on call now and next, "escalate now", the
incident's escalation state, and the secret iCal feeds (the token in the URL is the key)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict

from tocsin.bootstrap.formats import ical
from tocsin.domain.incident import IncidentId
from tocsin.domain.oncall import Shift
from tocsin.services.paging import escalation, feeds, oncall
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of, services_of
from tocsin.web.incident_out import IncidentOut

router = APIRouter(prefix=API_PREFIX, tags=["on call"], max_body_size=MAX_BODY_BYTES)
# The feeds live outside /api/v1, where every route takes a bearer token: calendar clients
# cannot send one, so the secret in the URL is the credential.
feeds_router = APIRouter(prefix="/calendar", tags=["on call"])
authenticated = [Depends(current_actor)]
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="the incident id")]


class ShiftOut(BaseModel):
    person: str
    name: str
    start: datetime
    end: datetime
    source: str


class ScheduleOut(BaseModel):
    id: str
    name: str
    timezone: str
    current: ShiftOut | None
    next: ShiftOut | None


class PersonOut(BaseModel):
    id: str
    name: str
    email: str


class TargetOut(BaseModel):
    target: str
    name: str
    people: list[PersonOut]
    severities: list[str]


class OnCallOut(BaseModel):
    at: datetime
    schedules: list[ScheduleOut]
    targets: list[TargetOut]


class StepOut(BaseModel):
    targets: list[str]
    wait_seconds: int


class EscalationOut(BaseModel):
    severity: str
    status: str
    steps: list[StepOut]
    repeat: int
    steps_run: int
    last_step_at: datetime | None
    next_step_at: datetime | None
    notified: list[str]


class FeedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["schedule", "person"]
    subject: str


class FeedOut(BaseModel):
    id: int
    kind: str
    subject: str
    url: str


def _shift(request: Request, shift: Shift | None) -> ShiftOut | None:
    if shift is None:
        return None
    person = services_of(request).paging.directory.people.get(shift.person)
    name = person.name if person else shift.person
    return ShiftOut(person=shift.person, name=name, start=shift.start, end=shift.end, source=shift.source)


@router.get("/oncall", response_model=OnCallOut, dependencies=authenticated)
def who_is_on_call(request: Request, actor: CurrentActor) -> OnCallOut:
    """Every schedule's current and next shift, and who each escalation target pages now."""
    at = container_of(request).clock.now()
    schedules, targets = oncall.who_is_on_call(services_of(request).paging, at, by=actor)
    return OnCallOut(
        at=at,
        schedules=[
            ScheduleOut(
                id=s.id,
                name=s.name,
                timezone=s.timezone,
                current=_shift(request, s.current),
                next=_shift(request, s.next),
            )
            for s in schedules
        ],
        targets=[
            TargetOut(
                target=t.target,
                name=t.name,
                people=[PersonOut(id=p.id, name=p.name, email=p.email) for p in t.people],
                severities=[s.value for s in t.severities],
            )
            for t in targets
        ],
    )


@router.post("/incidents/{incident_id}/escalate", response_model=IncidentOut, dependencies=authenticated)
def escalate(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> IncidentOut:
    """Escalate now: run the next step of the incident's frozen policy (the last one again
    when none is left); the step and who it paged are on the timeline."""
    container = container_of(request)
    incident = escalation.escalate_incident(container.services, IncidentId(incident_id), by=actor)
    return IncidentOut.render(incident, plan=container.services.plan, now=container.clock.now())


@router.get(
    "/incidents/{incident_id}/escalation", response_model=EscalationOut | None, dependencies=authenticated
)
def escalation_state(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Any:
    """The policy frozen onto the incident and how far it has gone (null: none)."""
    state = escalation.get_escalation(services_of(request), IncidentId(incident_id), by=actor)
    if state is None:
        return None
    return EscalationOut(
        severity=state.policy.severity.value,
        status=state.status.value,
        steps=[
            StepOut(targets=list(s.targets), wait_seconds=int(s.wait.total_seconds()))
            for s in state.policy.steps
        ],
        repeat=state.policy.repeat,
        steps_run=state.position,
        last_step_at=state.last_step_at,
        next_step_at=state.next_step_at,
        notified=list(state.notified),
    )


@router.post("/oncall/feeds", status_code=201, response_model=FeedOut, dependencies=authenticated)
def create_feed(request: Request, body: FeedIn, actor: CurrentActor) -> FeedOut:
    """A secret iCal URL for a schedule or a person (admin). The URL is shown once."""
    feed, token = feeds.create_feed(services_of(request), body.kind, body.subject, by=actor)
    url = str(request.url_for("calendar_feed", token=token))
    return FeedOut(id=feed.id, kind=feed.kind, subject=feed.subject, url=url)


@feeds_router.get("/{token}.ics", name="calendar_feed", response_class=Response, include_in_schema=False)
def calendar_feed(request: Request, token: Annotated[str, Path(max_length=100)]) -> Response:
    """The feed itself: no bearer token, the secret in the URL is the credential."""
    container = container_of(request)
    body = ical.render(feeds.calendar(container.services, token), now=container.clock.now())
    return Response(
        body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, max-age=300"}
    )
