"""``/api/v1/reports/compliance`` (JSON and CSV) and ``/api/v1/incidents/{id}/compliance``: did
the response follow the plan, and how fast (MTTA/MTTR per severity)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import AwareDatetime, BaseModel, Field

from tocsin.domain.access import Actor
from tocsin.domain.compliance import Check, SeverityFigures
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import compliance as use_cases
from tocsin.web.api import API_PREFIX
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of, services_of

router = APIRouter(prefix=API_PREFIX, tags=["reports"], dependencies=[Depends(current_actor)])

CSV_COLUMNS = (
    "incident_id",
    "severity",
    "title",
    "phase",
    "detected_at",
    "acknowledged_at",
    "resolved_at",
    "time_to_acknowledge_seconds",
    "time_to_resolve_seconds",
    "score",
    "acknowledged",
    "escalated",
    "github",
    "status_page",
    "customer_email",
    "postmortem",
    "runbooks",
)


class CheckOut(BaseModel):
    key: str
    label: str
    verdict: str
    detail: str

    @classmethod
    def render(cls, check: Check) -> CheckOut:
        return cls(key=check.key, label=check.label, verdict=check.verdict.value, detail=check.detail)


class IncidentComplianceOut(BaseModel):
    incident_id: int
    severity: str
    title: str
    score: int | None
    checks: list[CheckOut]

    @classmethod
    def render(cls, row: use_cases.Row) -> IncidentComplianceOut:
        i = row.incident
        checks = [CheckOut.render(c) for c in row.checks]
        return cls(incident_id=i.id, severity=i.severity.value, title=i.title, score=row.score, checks=checks)


class FiguresOut(BaseModel):
    severity: str
    incidents: int
    acknowledged: int
    acknowledged_in_time: int
    acknowledged_in_time_share: float | None
    resolved: int
    mtta_seconds: float | None
    mttr_seconds: float | None
    median_tta_seconds: float | None
    median_ttr_seconds: float | None

    @classmethod
    def render(cls, f: SeverityFigures) -> FiguresOut:
        return cls(
            severity=f.severity.value,
            incidents=f.incidents,
            acknowledged=f.acknowledged,
            acknowledged_in_time=f.acknowledged_in_time,
            acknowledged_in_time_share=f.in_time_share,
            resolved=f.resolved,
            mtta_seconds=f.mtta_seconds,
            mttr_seconds=f.mttr_seconds,
            median_tta_seconds=f.median_tta_seconds,
            median_ttr_seconds=f.median_ttr_seconds,
        )


class ComplianceReportOut(BaseModel):
    start: datetime
    end: datetime
    average_score: int | None
    truncated: bool
    figures: list[FiguresOut]
    incidents: list[IncidentComplianceOut]
    drills: list[IncidentComplianceOut] = Field(
        default_factory=list,
        description="drills (tocsin drill) of the period, apart: not in the figures nor in incidents",
    )


From = Annotated[AwareDatetime | None, Query(alias="from", description="start (default: 30 days ago)")]
To = Annotated[AwareDatetime | None, Query(alias="to", description="end, excluded (default: now)")]


def period(
    request: Request, start: datetime | None, end: datetime | None, actor: Actor
) -> use_cases.PeriodReport:
    now = container_of(request).clock.now()
    end = (end or now).astimezone(UTC)
    start = (start or end - timedelta(days=30)).astimezone(UTC)
    return use_cases.period_report(services_of(request), start=start, end=end, by=actor)


@router.get("/reports/compliance", response_model=ComplianceReportOut)
def compliance_report(request: Request, actor: CurrentActor, start: From = None, end: To = None) -> Any:
    """Per severity: MTTA, MTTR, share acknowledged in time; per incident: the plan's checklist."""
    report = period(request, start, end, actor)
    return ComplianceReportOut(
        start=report.start,
        end=report.end,
        average_score=report.average_score,
        truncated=report.truncated,
        figures=[FiguresOut.render(f) for f in report.figures],
        incidents=[IncidentComplianceOut.render(r) for r in report.rows],
        drills=[IncidentComplianceOut.render(r) for r in report.drills],
    )


def _iso(at: datetime | None) -> str:
    return at.isoformat().replace("+00:00", "Z") if at else ""


def _seconds(start: datetime, end: datetime | None) -> str:
    return str(int((end - start).total_seconds())) if end else ""


def to_csv(report: use_cases.PeriodReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        i = row.incident
        verdicts = {c.key: c.verdict.value for c in row.checks}
        writer.writerow(
            [
                i.id,
                i.severity.value,
                i.title,
                i.phase.value,
                _iso(i.detected_at),
                _iso(i.acknowledged_at),
                _iso(i.resolved_at),
                _seconds(i.detected_at, i.acknowledged_at),
                _seconds(i.detected_at, i.resolved_at),
                "" if row.score is None else row.score,
                *(verdicts.get(key, "") for key in CSV_COLUMNS[11:]),
            ]
        )
    return buffer.getvalue()


@router.get(
    "/reports/compliance.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per incident"}},
)
def compliance_csv(request: Request, actor: CurrentActor, start: From = None, end: To = None) -> Response:
    report = period(request, start, end, actor)
    name = f"tocsin-compliance-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
    return Response(
        to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/incidents/{incident_id}/compliance", response_model=IncidentComplianceOut)
def incident_compliance(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Any:
    """The plan-compliance checklist of one incident, with its score."""
    row = use_cases.incident_compliance(services_of(request), IncidentId(incident_id), by=actor)
    return IncidentComplianceOut.render(row)
