"""``/api/v1/incidents/{id}/checklist``: the plan's checklists with who ticked what, and ticking."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.checklist_ticks import MAX_NOTE
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import checklist as use_cases
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of

router = APIRouter(
    prefix=f"{API_PREFIX}/incidents",
    tags=["checklist"],
    dependencies=[Depends(current_actor)],
    max_body_size=MAX_BODY_BYTES,
)


class TickIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    done: bool = Field(default=True, description="false unticks the line")
    note: Annotated[str, Field(max_length=MAX_NOTE)] = Field(
        default="", description="what was done (rollback to which version, which service restarted…)"
    )


class LineOut(BaseModel):
    key: str
    text: str
    section: str
    phase: str
    mitigation: bool
    done: bool
    at: datetime | None
    actor: str
    note: str

    @classmethod
    def render(cls, line: use_cases.Line) -> LineOut:
        tick = line.tick
        return cls(
            key=line.item.key,
            text=line.item.text,
            section=line.item.section,
            phase=line.item.phase.value,
            mitigation=line.item.mitigation,
            done=line.done,
            at=tick.at if tick else None,
            actor=tick.actor if tick else "",
            note=tick.note if tick else "",
        )


@router.get("/{incident_id}/checklist", response_model=list[LineOut])
def get_checklist(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Any:
    """Every line of the plan's phase checklists (keys as the plan numbers them: 3.2.1) and its
    last tick."""
    lines = use_cases.checklist(services_of(request), IncidentId(incident_id), by=actor)
    return [LineOut.render(line) for line in lines]


@router.post("/{incident_id}/checklist/{item}", response_model=list[LineOut])
def tick(
    request: Request,
    incident_id: IncidentPath,
    item: Annotated[str, Path(max_length=20, description="the line's key, e.g. 3.2.1")],
    actor: CurrentActor,
    body: Annotated[TickIn | None, Body()] = None,
) -> Any:
    """Tick (``done: false`` unticks) one line; it goes on the timeline with who and when."""
    given = body or TickIn()
    svc, iid = services_of(request), IncidentId(incident_id)
    use_cases.tick_item(svc, iid, item, done=given.done, note=given.note, by=actor)
    return [LineOut.render(line) for line in use_cases.checklist(svc, iid, by=actor)]
