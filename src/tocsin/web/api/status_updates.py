"""``/api/v1/incidents/{id}/status-updates`` and the customer-email approval: each route parses,
calls one use case, renders, then drops the status page's render cache in this process (other
replicas see the bumped revision within a second)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.incident import IncidentId
from tocsin.domain.statuspage import ComponentStatus, PublicIncident, UpdateStatus
from tocsin.services.statuspage import customer_email
from tocsin.services.statuspage import statuspage as use_cases
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
    prefix=f"{API_PREFIX}/incidents",
    tags=["status page"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="the incident id")]


class StatusUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: UpdateStatus
    message: Annotated[str | None, Field(max_length=5000)] = None
    """Omitted: an ``investigating`` update publishes the prepared draft."""
    components: list[str] | dict[str, ComponentStatus] | None = None
    """Affected component keys (the severity sets their status), or ``{key: status}`` overrides."""
    name: Annotated[str | None, Field(max_length=200)] = None
    """The public incident's title (defaults to one built from severity and components)."""


class StatusUpdateOut(BaseModel):
    id: str
    status: UpdateStatus
    body: str
    posted_at: datetime
    rendered: str


class PublicIncidentOut(BaseModel):
    id: str
    name: str
    status: UpdateStatus
    impact: str
    components: list[str]
    first_posted_at: datetime | None
    updates: list[StatusUpdateOut]
    rendered: str

    @classmethod
    def of(cls, public: PublicIncident) -> PublicIncidentOut:
        return cls(
            id=public.id,
            name=public.name,
            status=public.status,
            impact=public.impact,
            components=list(public.components),
            first_posted_at=public.first_posted_at,
            updates=[
                StatusUpdateOut(
                    id=u.id, status=u.status, body=u.body, posted_at=u.posted_at, rendered=u.render()
                )
                for u in public.chronological()
            ],
            rendered=public.render(),
        )


def _invalidate(request: Request) -> None:
    cache = getattr(request.app.state, "statuspage_cache", None)
    if cache is not None:
        cache.invalidate()


@router.post("/{incident_id}/status-updates", status_code=201, response_model=PublicIncidentOut)
def post_status_update(
    request: Request, incident_id: IncidentPath, body: StatusUpdateIn, actor: CurrentActor
) -> PublicIncidentOut:
    """Publish a status page update rendered like the plan's template (🔴 Investigating,
    🟡 Identified, 🔵 Monitoring, 🟢 Resolved, each with "Posted: YYYY-MM-DD HH:MM UTC")."""
    components: list[str] | dict[str, str] | None = (
        {k: v.value for k, v in body.components.items()}
        if isinstance(body.components, dict)
        else body.components
    )
    public = use_cases.post_status_update(
        services_of(request),
        IncidentId(incident_id),
        status=body.status,
        message=body.message,
        components=components,
        name=body.name,
        by=actor,
    )
    _invalidate(request)
    return PublicIncidentOut.of(public)


class CustomerEmailOut(BaseModel):
    kind: str
    state: str
    subject: str
    body: str


@router.post("/{incident_id}/customer-email/approve", response_model=CustomerEmailOut)
def approve_customer_email(
    request: Request, incident_id: IncidentPath, actor: CurrentActor
) -> CustomerEmailOut:
    """Send the prepared "> 1 h" customer email (the incident commander's approval)."""
    email = customer_email.approve(services_of(request), IncidentId(incident_id), by=actor)
    return CustomerEmailOut(kind=email.kind, state=email.state, subject=email.subject, body=email.body)
