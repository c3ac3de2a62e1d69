"""``/api/v1/incidents/{id}/isolation``: the security procedure's isolation actions over HTTP.

``GET`` lists the configured actions with their state on the incident; ``POST …/{action}`` runs
one and ``POST …/{action}/undo`` undoes it, both with ``{"confirm": true, "params": {…}}``
(without ``confirm``, a 422 says what would be sent). Each route first checks that the caller may
see the incident's security details (404 otherwise); the use case checks the ``security`` role.
A run that fails (timeout, refused connection, error status) is still a 200: it was recorded,
with ``ok: false``; running it again is the retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from pydantic import BaseModel, Field

from tocsin.domain import restriction
from tocsin.domain.access import Actor
from tocsin.domain.incident import IncidentId
from tocsin.domain.isolation_record import ActionState, Attempt, Status
from tocsin.services.incidents import incidents
from tocsin.services.security import isolation
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of
from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.schemas import Problem, UtcDatetime, _Request

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
router = APIRouter(
    prefix=f"{API_PREFIX}/incidents",
    tags=["isolation"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)
ActionPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
ParamValue = Annotated[str, Field(max_length=500)]


class RunRequest(_Request):
    confirm: bool = Field(default=False, description="true: send it. Without it, a 422 shows the request.")
    params: dict[Annotated[str, Field(max_length=64)], ParamValue] = Field(
        default_factory=dict, max_length=20, description='The action\'s parameters, e.g. {"cidr": "…"}.'
    )


OptionalRun = Annotated[RunRequest | None, Body()]


class ParamOut(BaseModel):
    name: str
    label: str
    pattern: str
    example: str


class AttemptOut(BaseModel):
    action: str
    op: str
    ok: bool
    at: UtcDatetime
    actor: str
    text: str
    status: int | None
    params: dict[str, str]

    @classmethod
    def render(cls, attempt: Attempt) -> AttemptOut:
        return cls(
            action=attempt.action,
            op=attempt.op,
            ok=attempt.ok,
            at=attempt.at,
            actor=attempt.actor,
            text=attempt.text,
            status=attempt.status,
            params=dict(attempt.params),
        )


class ActionOut(BaseModel):
    key: str
    label: str
    description: str
    method: str
    url: str
    undo_method: str
    undo_url: str
    header_names: list[str]
    timeout_seconds: float
    params: list[ParamOut]
    state: Status
    can_undo: bool
    last: AttemptOut | None

    @classmethod
    def render(cls, state: ActionState) -> ActionOut:
        a = state.action
        return cls(
            key=a.key,
            label=a.label,
            description=a.description,
            method=a.run.method,
            url=a.run.url,
            undo_method=a.undo.method,
            undo_url=a.undo.url,
            header_names=[name for name, _ in a.run.headers],
            timeout_seconds=a.timeout,
            params=[
                ParamOut(name=p.name, label=p.label, pattern=p.pattern, example=p.example) for p in a.params
            ],
            state=state.status,
            can_undo=state.can_undo,
            last=AttemptOut.render(state.last) if state.last else None,
        )


class IsolationOut(BaseModel):
    incident_id: int
    security: bool
    actions: list[ActionOut]


class RunOut(AttemptOut):
    state: Status
    can_undo: bool


def _clear(request: Request, incident_id: int, actor: Actor) -> None:
    incident = incidents.get_incident(services_of(request), IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)


@router.get("/{incident_id}/isolation", response_model=IsolationOut)
def list_isolation(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> IsolationOut:
    """The configured isolation actions, each with its state here and its last run or undo."""
    _clear(request, incident_id, actor)
    found = isolation.overview(services_of(request), IncidentId(incident_id), by=actor)
    return IsolationOut(
        incident_id=incident_id,
        security=found.incident.security,
        actions=[ActionOut.render(s) for s in found.states],
    )


def _run(
    request: Request, incident_id: int, action: str, body: RunRequest | None, *, actor: Actor, undo: bool
) -> RunOut:
    _clear(request, incident_id, actor)
    body = body or RunRequest()
    svc = services_of(request)
    params: Mapping[str, str] = body.params
    attempt = isolation.run(
        svc, IncidentId(incident_id), action, by=actor, params=params, confirm=body.confirm, undo=undo
    )
    state = next(
        s for s in isolation.overview(svc, IncidentId(incident_id), by=actor).states if s.action.key == action
    )
    return RunOut(**AttemptOut.render(attempt).model_dump(), state=state.status, can_undo=state.can_undo)


@router.post("/{incident_id}/isolation/{action}", response_model=RunOut)
def run_isolation(
    request: Request,
    incident_id: IncidentPath,
    action: ActionPath,
    actor: CurrentActor,
    body: OptionalRun = None,
) -> RunOut:
    """Send the action once (``security`` role, a security incident, ``confirm: true``); the
    request and the response status go on the timeline. Never retried on its own."""
    return _run(request, incident_id, action, body, actor=actor, undo=False)


@router.post("/{incident_id}/isolation/{action}/undo", response_model=RunOut)
def undo_isolation(
    request: Request,
    incident_id: IncidentPath,
    action: ActionPath,
    actor: CurrentActor,
    body: OptionalRun = None,
) -> RunOut:
    """Send the action's undo, with the last run's parameters unless ``params`` are given."""
    return _run(request, incident_id, action, body, actor=actor, undo=True)
