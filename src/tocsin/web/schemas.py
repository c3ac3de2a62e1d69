"""Request and response bodies of the REST API (pydantic), and the rendering of domain objects.

Requests forbid unknown fields so a misspelt field is a 422 naming it rather than silently
ignored. Severity accepts ``p1`` as well as ``P1``, like ``Severity.parse``.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from tocsin.domain.alert import AlertCounts
from tocsin.domain.breach import BreachClock, State
from tocsin.domain.events import EventKind
from tocsin.domain.incident import MAX_TEXT, MAX_TITLE, Impact, Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Plan, Severity
from tocsin.domain.sla import SlaState
from tocsin.services.ports import IncidentFilter, IncidentKey, StoredEvent
from tocsin.web.alert_counts import AlertCountsOut
from tocsin.web.api import MAX_INT


def _upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


def _utc(value: datetime) -> datetime:
    """Render every timestamp in UTC (``...Z``); the storage layer must hand back aware values."""
    return value.astimezone(UTC) if value.tzinfo is not None else value


SeverityIn = Annotated[Severity, BeforeValidator(_upper)]
UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Label = Annotated[str, Field(min_length=1, max_length=200)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(_Request):
    title: Title
    severity: SeverityIn
    summary: Text = ""
    security: bool = Field(
        default=False,
        description="a security incident: its details are restricted to the security role and admins "
        "from the start, and the plan's security procedure applies",
    )


class SecurityRequest(_Request):
    reason: Text = Field(default="", description="why (recorded on the timeline)")


def encode_cursor(incident: Incident) -> str:
    """An incident's place in the list's order, as an opaque token."""
    key = f"{incident.severity.value}|{incident.detected_at.astimezone(UTC).isoformat()}|{incident.id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> IncidentKey:
    """Raise ``ValueError`` naming the problem if ``cursor`` is not one ``encode_cursor`` made."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        severity, detected, number = text.split("|")
        at = datetime.fromisoformat(detected)
        key = IncidentKey(Severity(severity), at, int(number))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("not a cursor from a previous page's next_cursor") from None
    if at.tzinfo is None:
        raise ValueError("not a cursor from a previous page's next_cursor")
    return key


def _checked_cursor(value: str) -> str:
    decode_cursor(value)
    return value


class IncidentQuery(_Request):
    """Filters and page of ``GET /incidents``; unknown query parameters are refused."""

    open: bool | None = Field(default=None, description="only open (true) or only not open (false)")
    severity: SeverityIn | None = None
    phase: Phase | None = None
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=MAX_INT)
    cursor: Annotated[str, AfterValidator(_checked_cursor)] | None = Field(
        default=None,
        max_length=200,
        description="the previous page's ``next_cursor``: the page after it (``offset`` then counts "
        "from there); cheaper than a deep ``offset``",
    )

    def to_filter(self) -> IncidentFilter:
        return IncidentFilter(
            open=self.open,
            severity=self.severity,
            phase=self.phase,
            limit=self.limit,
            offset=self.offset,
            after=None if self.cursor is None else decode_cursor(self.cursor),
        )


class IncidentUpdate(_Request):
    """At least one of ``severity`` and ``title``; ``reason`` is recorded with a severity change."""

    severity: SeverityIn | None = None
    title: Title | None = None
    reason: Text = ""


class ResolveRequest(_Request):
    summary: Text = ""


class ReopenRequest(_Request):
    reason: Text = ""


def _unknown(value: object) -> object:
    return None if isinstance(value, str) and value.strip().lower() == "unknown" else value


class ImpactIn(_Request):
    users_affected: Annotated[Annotated[int, Field(ge=0, le=MAX_INT)] | None, BeforeValidator(_unknown)] = (
        Field(description='how many users are affected: a number, or "unknown" (an answer is required)')
    )
    features_down: list[Label] = Field(default_factory=list, max_length=100)
    components_down: list[Label] = Field(default_factory=list, max_length=100)
    security_risk: bool = False
    data_risk: bool = False

    def to_domain(self) -> Impact:
        return Impact(
            users_affected=self.users_affected,
            features_down=tuple(self.features_down),
            components_down=tuple(self.components_down),
            security_risk=self.security_risk,
            data_risk=self.data_risk,
        )


class NoteCreate(_Request):
    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
    kind: NoteKind | None = Field(
        default=None,
        description="observation, hypothesis, root_cause, mitigation or decision: a typed note reads "
        "“Root cause identified: …”, “Mitigation: …” on the timeline and in the Incident Report",
    )


class Problem(BaseModel):
    """RFC 9457 problem details, as every error is returned (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = Field(
        default=None,
        description="invalid input: one item per field at fault: `field`, `message`, and where known "
        "`in` (body, query, path) and `allowed` (the allowed values)",
    )


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
