"""``/api/v1/incidents/{id}/security/steps``: the plan's security procedure, step by step."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.incident import IncidentId
from tocsin.domain.security_steps import MAX_NOTE, MAX_OWNER, StepState, StepStatus
from tocsin.services.security import procedure as use_cases
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of

router = APIRouter(
    prefix=f"{API_PREFIX}/incidents",
    tags=["security"],
    dependencies=[Depends(current_actor)],
    max_body_size=MAX_BODY_BYTES,
)

StepPath = Annotated[int, Path(ge=1, le=5, description="the step: 1 Isolation … 5 Investigation")]


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: StepState | None = Field(default=None, description="todo, in_progress, done or not_needed")
    owner: Annotated[str, Field(max_length=MAX_OWNER)] | None = Field(
        default=None, description="who carries the step (an empty string: nobody)"
    )
    note: Annotated[str, Field(max_length=MAX_NOTE)] = Field(default="", description="what was done or found")


class NoteOut(BaseModel):
    at: datetime
    actor: str
    text: str


class StepOut(BaseModel):
    number: int
    name: str
    text: str
    state: StepState
    owner: str
    started_at: datetime | None
    ended_at: datetime | None
    notes: list[NoteOut]

    @classmethod
    def render(cls, step: StepStatus) -> StepOut:
        return cls(
            number=step.number,
            name=step.name,
            text=step.text,
            state=step.state,
            owner=step.owner,
            started_at=step.started_at,
            ended_at=step.ended_at,
            notes=[NoteOut(at=n.at, actor=n.actor, text=n.text) for n in step.notes],
        )


@router.get("/{incident_id}/security/steps", response_model=list[StepOut])
def steps(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> list[StepOut]:
    """The plan's five security steps with their state, owner, times and notes."""
    found = use_cases.procedure(services_of(request), IncidentId(incident_id), by=actor)
    return [StepOut.render(step) for step in found]


@router.post("/{incident_id}/security/steps/{step}", response_model=StepOut)
def update_step(
    request: Request, incident_id: IncidentPath, step: StepPath, body: StepIn, actor: CurrentActor
) -> StepOut:
    """Move a step, give it an owner, or note what was done (the security role)."""
    updated = use_cases.update_step(
        services_of(request),
        IncidentId(incident_id),
        step,
        state=body.state,
        owner=body.owner,
        note=body.note,
        by=actor,
    )
    return StepOut.render(updated)
