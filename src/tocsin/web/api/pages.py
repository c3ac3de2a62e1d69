"""Delivery tracking over HTTP: every page and notice of an incident, per person and method,
with its state and times (a restricted incident answers 404 without clearance)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel

from tocsin.domain.incident import IncidentId
from tocsin.services.paging import pages
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of

router = APIRouter(prefix=API_PREFIX, tags=["on call"], max_body_size=MAX_BODY_BYTES)
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="the incident id")]


class PageOut(BaseModel):
    batch: int
    person: str
    name: str
    channel: str
    purpose: str
    trigger: str
    status: str
    due_at: datetime
    sent_at: datetime | None
    status_at: datetime | None


@router.get(
    "/incidents/{incident_id}/pages", response_model=list[PageOut], dependencies=[Depends(current_actor)]
)
def list_pages(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> list[PageOut]:
    """Who has been told: each delivery (batch, person, method) with its state (pending,
    sent, delivered, failed, answered, not_answered, skipped) and times."""
    rows = pages.list_pages(services_of(request), IncidentId(incident_id), by=actor)
    return [
        PageOut(
            batch=r.batch,
            person=r.person,
            name=r.name,
            channel=r.channel,
            purpose=r.purpose,
            trigger=r.trigger,
            status=r.status,
            due_at=r.due_at,
            sent_at=r.sent_at,
            status_at=r.status_at,
        )
        for r in rows
    ]
