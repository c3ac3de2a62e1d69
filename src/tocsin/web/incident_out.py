"""The incident as the REST API renders it (pydantic): its clock, its impact, its breach
clock, pages of incidents and timeline events. Request bodies: ``schemas``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from tocsin.domain.alert import AlertCounts
from tocsin.domain.breach import BreachClock, State
from tocsin.domain.events import EventKind
from tocsin.domain.incident import Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Plan, Severity
from tocsin.domain.sla import SlaState
from tocsin.services.ports import StoredEvent
from tocsin.web.alert_counts import AlertCountsOut
from tocsin.web.schemas import UtcDatetime


class SlaOut(BaseModel):
    """The response-time clock read now; it stops at acknowledgement (or resolution)."""

    state: SlaState
    remaining_seconds: float
    running: bool
    due_at: UtcDatetime
    response_time_seconds: int


class ImpactOut(BaseModel):
    users_affected: int | None
    features_down: list[str]
    components_down: list[str]
    security_risk: bool
    data_risk: bool
    assessed_at: UtcDatetime | None


class BreachClockOut(BaseModel):
    """The incident's personal-data breach (GDPR Art. 33): when known, by when to notify."""

    aware_at: UtcDatetime
    notify_by: UtcDatetime
    state: State
    authority: str

    @classmethod
    def render(cls, clock: BreachClock) -> BreachClockOut:
        return cls(
            aware_at=clock.aware_at, notify_by=clock.notify_by, state=clock.state, authority=clock.authority
        )


class IncidentOut(BaseModel):
    id: int
    title: str
    summary: str
    severity: Severity
    severity_name: str
    phase: Phase
    open: bool
    source: str
    declared_by: str
    detected_at: UtcDatetime
    acknowledged_at: UtcDatetime | None
    acknowledged_by: str | None
    ack_due_at: UtcDatetime
    sla_breached_at: UtcDatetime | None
    resolved_at: UtcDatetime | None
    closed_at: UtcDatetime | None
    postmortem_due_at: UtcDatetime | None
    sla: SlaOut
    impact: ImpactOut
    security: bool
    drill: bool = Field(
        default=False,
        description="a drill (tocsin drill): marked [DRILL] outside tocsin, never on the public status "
        "page, left out of MTTA/MTTR and compliance figures",
    )
    restricted: bool = Field(
        description="true when this is a security incident you may not read: you see its number, "
        "severity, phase and clock, nothing more"
    )
    alerts: AlertCountsOut
    breach: BreachClockOut | None = Field(
        default=None, description="its personal-data breach, for those cleared to see it (security role)"
    )

    @classmethod
    def render(
        cls,
        incident: Incident,
        *,
        plan: Plan,
        now: datetime,
        alerts: AlertCounts | None = None,
        breach: BreachClock | None = None,
    ) -> IncidentOut:
        clock = incident.sla(now)
        impact = incident.impact
        return cls(
            id=incident.id,
            title=incident.title,
            summary=incident.summary,
            severity=incident.severity,
            severity_name=plan.level(incident.severity).name,
            phase=incident.phase,
            open=incident.phase.is_open,
            source=incident.source,
            declared_by=incident.declared_by,
            detected_at=incident.detected_at,
            acknowledged_at=incident.acknowledged_at,
            acknowledged_by=incident.acknowledged_by,
            ack_due_at=incident.ack_due_at,
            sla_breached_at=incident.sla_breached_at,
            resolved_at=incident.resolved_at,
            closed_at=incident.closed_at,
            postmortem_due_at=incident.postmortem_due_at,
            sla=SlaOut(
                state=clock.state,
                remaining_seconds=clock.remaining_seconds,
                running=clock.running,
                due_at=clock.due_at,
                response_time_seconds=int(incident.response_time.total_seconds()),
            ),
            impact=ImpactOut(
                users_affected=impact.users_affected,
                features_down=list(impact.features_down),
                components_down=list(impact.components_down),
                security_risk=impact.security_risk,
                data_risk=impact.data_risk,
                assessed_at=impact.assessed_at,
            ),
            security=incident.security,
            drill=incident.drill,
            restricted=incident.redacted,
            alerts=AlertCountsOut.render(None if incident.redacted else alerts),
            breach=BreachClockOut.render(breach) if breach is not None and not incident.redacted else None,
        )


class IncidentPage(BaseModel):
    """One page of incidents: P0 first, then newest first; ``total`` counts all matches."""

    items: list[IncidentOut]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = Field(
        default=None, description="pass as ``cursor`` for the next page; null on the last page"
    )


class TimelineEventOut(BaseModel):
    id: int
    at: UtcDatetime
    kind: EventKind
    actor: str
    text: str
    data: dict[str, Any]

    @classmethod
    def render(cls, event: StoredEvent) -> TimelineEventOut:
        return cls(
            id=event.id,
            at=event.at,
            kind=event.kind,
            actor=event.actor,
            text=event.text,
            data=dict(event.data),
        )
