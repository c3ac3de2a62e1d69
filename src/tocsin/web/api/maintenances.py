"""``/api/v1/maintenances``: schedule maintenance on the public status page and post its updates
(scheduled → in_progress → verifying → completed)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.maintenance import Maintenance, MaintenanceStatus
from tocsin.services.statuspage import maintenance as use_cases
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of
from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.schemas import Problem

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
router = APIRouter(
    prefix=f"{API_PREFIX}/maintenances",
    tags=["status page"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)
MaintenancePath = Annotated[str, Path(pattern="^[a-z0-9]{12}$", description="the maintenance id")]
Message = Annotated[str, Field(min_length=1, max_length=5000)]


class MaintenanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    message: Message
    scheduled_for: datetime
    scheduled_until: datetime
    components: list[str] = []


class MaintenanceUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: MaintenanceStatus
    message: Message


class MaintenanceUpdateOut(BaseModel):
    id: str
    status: MaintenanceStatus
    body: str
    posted_at: datetime
    rendered: str


class MaintenanceOut(BaseModel):
    id: str
    name: str
    status: MaintenanceStatus
    scheduled_for: datetime
    scheduled_until: datetime
    components: list[str]
    started_at: datetime | None
    completed_at: datetime | None
    updates: list[MaintenanceUpdateOut]

    @classmethod
    def of(cls, m: Maintenance) -> MaintenanceOut:
        return cls(
            id=m.id,
            name=m.name,
            status=m.status,
            scheduled_for=m.scheduled_for,
            scheduled_until=m.scheduled_until,
            components=list(m.components),
            started_at=m.started_at,
            completed_at=m.completed_at,
            updates=[
                MaintenanceUpdateOut(
                    id=u.id, status=u.status, body=u.body, posted_at=u.posted_at, rendered=u.render()
                )
                for u in m.chronological()
            ],
        )


def _invalidate(request: Request) -> None:
    cache = getattr(request.app.state, "statuspage_cache", None)
    if cache is not None:
        cache.invalidate()


@router.get("", response_model=list[MaintenanceOut])
def list_maintenances(request: Request) -> list[MaintenanceOut]:
    """The 50 most recently scheduled maintenances."""
    return [MaintenanceOut.of(m) for m in use_cases.listing(services_of(request))]


@router.post("", status_code=201, response_model=MaintenanceOut)
def schedule_maintenance(request: Request, body: MaintenanceIn, actor: CurrentActor) -> MaintenanceOut:
    """Announce a maintenance window on the public status page."""
    created = use_cases.schedule(
        services_of(request),
        name=body.name,
        message=body.message,
        scheduled_for=body.scheduled_for,
        scheduled_until=body.scheduled_until,
        components=body.components,
        by=actor,
    )
    _invalidate(request)
    return MaintenanceOut.of(created)


@router.post("/{maintenance_id}/updates", status_code=201, response_model=MaintenanceOut)
def post_maintenance_update(
    request: Request, maintenance_id: MaintenancePath, body: MaintenanceUpdateIn, actor: CurrentActor
) -> MaintenanceOut:
    """Post an update; the status moves forward (in_progress, verifying, completed), never back."""
    updated = use_cases.post_update(
        services_of(request), maintenance_id, status=body.status, message=body.message, by=actor
    )
    _invalidate(request)
    return MaintenanceOut.of(updated)
