"""``POST /api/v1/reports``: a person reports a problem (the plan's "user report")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from tocsin.domain.incident import MAX_TEXT, MAX_TITLE
from tocsin.services.reports import Report, report_problem
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of
from tocsin.web.schemas import SeverityIn

router = APIRouter(
    prefix=f"{API_PREFIX}/reports",
    tags=["reports"],
    dependencies=[Depends(current_actor)],
    max_body_size=MAX_BODY_BYTES,
)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
    description: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    severity: SeverityIn | None = None
    service: Annotated[str, Field(max_length=200)] = ""
    dedup_key: Annotated[
        str, Field(max_length=200, description="Reports with one key share an incident.")
    ] = ""


class ReportOut(BaseModel):
    incident_id: int
    route: str
    new_incident: bool


@router.post("", status_code=201, response_model=ReportOut)
def report(request: Request, body: ReportIn, actor: CurrentActor, response: Response) -> ReportOut:
    """Open an incident with source "user report", or attach to the one already open for the
    same problem (same ``dedup_key``, or same title and service)."""
    container = container_of(request)
    result = report_problem(
        container.services,
        Report(body.title, body.description, body.severity, body.service, body.dedup_key),
        by=actor,
        reopen_window=container.settings.intake.reports_reopen_window,
    )
    assert result.incident_id is not None  # a firing report always lands in an incident
    response.headers["Location"] = request.url_for("get_incident", incident_id=result.incident_id).path
    return ReportOut(
        incident_id=result.incident_id, route=result.route.value, new_incident=result.route.value == "open"
    )
