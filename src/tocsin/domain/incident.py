"""The incident and its commands. Pure: time and the plan are parameters.

Each command checks the lifecycle, returns a ``Change`` (new incident, timeline events, jobs)
and never mutates its input. ``generation`` is the fencing token of the incident's timers: any
command that makes a pending timer meaningless bumps it, so the timer is a no-op when it fires.

What responders record without touching the clock (the title, the impact, notes) is in
``incident_record``.

The response time in force is frozen onto the incident when its clock is armed (declare, a
severity change while unacknowledged, reopening an unacknowledged incident): editing the plan
later never rewrites an open incident's deadline or its history.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NewType

from tocsin.domain import lateness, lifecycle, sla
from tocsin.domain.duration import format_duration
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, timeline_event
from tocsin.domain.impact import Impact
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Plan, Severity
from tocsin.domain.text import MAX_TEXT, MAX_TITLE
from tocsin.domain.text import clean_optional as _clean_optional
from tocsin.domain.text import clean_title as _clean_title
from tocsin.domain.text import require_aware as _require_aware

IncidentId = NewType("IncidentId", int)

__all__ = ["MAX_TEXT", "MAX_TITLE", "Impact", "Incident", "IncidentId"]


@dataclass(frozen=True, slots=True)
class Incident:
    id: IncidentId
    title: str
    summary: str
    severity: Severity
    phase: Phase
    source: str
    detected_at: datetime
    declared_by: str
    ack_due_at: datetime
    response_time: timedelta
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    sla_breached_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    postmortem_due_at: datetime | None = None
    impact: Impact = field(default_factory=Impact)
    security: bool = False
    generation: int = 0
    drill: bool = False
    """A synthetic incident run by ``tocsin drill``: marked [DRILL] wherever it goes, never on
    the public status page, left out of MTTA/MTTR and compliance figures."""
    redacted: bool = False
    """A restricted incident as seen without clearance (``restriction.redact``): never saved."""

    def sla(self, at: datetime) -> sla.SlaStatus:
        """The response-time clock read at ``at``; it stops at acknowledgement or resolution."""
        stopped_at = self.acknowledged_at or self.resolved_at
        return sla.status(
            due_at=self.ack_due_at,
            response_time=self.response_time,
            stopped_at=stopped_at,
            at=at,
        )


def _hhmm(at: datetime) -> str:
    return at.strftime("%H:%M UTC")


def ack_deadline_key(incident_id: IncidentId, generation: int) -> str:
    return f"ack-deadline:{incident_id}:{generation}"


def _ack_timer(incident: Incident) -> JobRequest:
    return JobRequest(
        kind=JobKind.ACK_DEADLINE,
        due_at=incident.ack_due_at,
        payload={"incident_id": incident.id, "generation": incident.generation},
        key=ack_deadline_key(incident.id, incident.generation),
    )


def declare(
    incident_id: IncidentId,
    *,
    title: str,
    severity: Severity,
    summary: str = "",
    source: str = "manual",
    security: bool = False,
    drill: bool = False,
    at: datetime,
    by: str,
    plan: Plan,
) -> Change:
    """Open an incident in detection and start its response-time clock; a security incident
    (``security``) is restricted from the start; a ``drill`` is an exercise."""
    _require_aware(at)
    level = plan.level(severity)
    incident = Incident(
        id=incident_id,
        title=_clean_title(title),
        summary=_clean_optional("summary", summary),
        severity=severity,
        phase=Phase.DETECTION,
        source=source,
        detected_at=at,
        declared_by=by,
        ack_due_at=at + level.response_time,
        response_time=level.response_time,
        security=security,
        drill=drill,
    )
    text = (
        f"{'[DRILL] ' if drill else ''}Incident declared: {level.label} — acknowledge within "
        f"{format_duration(level.response_time)} (by {_hhmm(incident.ack_due_at)})"
    )
    if security:
        text += "; a security incident: the security procedure applies, details restricted"
    flags: dict[str, object] = {"drill": True} if drill else {}
    event = timeline_event(
        EventKind.DECLARED, at, by, text, severity=severity.value, source=source, security=security, **flags
    )
    return Change(incident, events=(event,), jobs=(_ack_timer(incident),))


def acknowledge(incident: Incident, *, at: datetime, by: str) -> Change:
    """Stop the response clock and start triage; pending clock timers become stale."""
    _require_aware(at)
    lifecycle.require("acknowledge", incident.phase)
    late = at > incident.ack_due_at
    acked = replace(
        incident,
        phase=Phase.TRIAGE,
        acknowledged_at=at,
        acknowledged_by=by,
        generation=incident.generation + 1,
    )
    elapsed = format_duration(at - incident.detected_at)
    verdict = "after the response time" if late else "within the response time"
    event = timeline_event(
        EventKind.ACKNOWLEDGED, at, by, f"Acknowledged by {by} after {elapsed} ({verdict})", late=late
    )
    return Change(acked, events=(event,), cancel_keys=(ack_deadline_key(incident.id, incident.generation),))


def set_severity(
    incident: Incident, severity: Severity, *, reason: str = "", at: datetime, by: str, plan: Plan
) -> Change:
    """Change the severity; while unacknowledged the clock is recomputed from ``detected_at``.
    The why is required ("Évaluer sévérité" is a judgement: the timeline keeps its reason)."""
    _require_aware(at)
    lifecycle.require("set severity", incident.phase)
    if severity is incident.severity:
        raise InvalidInput(f"severity: the incident is already {severity.value}")
    if not reason.strip():
        raise InvalidInput(
            f"reason: say why the severity changes from {incident.severity.value} to {severity.value} "
            "(it goes on the timeline)"
        )
    level = plan.level(severity)
    changed = replace(incident, severity=severity)
    jobs: tuple[JobRequest, ...] = ()
    cancel: tuple[str, ...] = ()
    clock_running = incident.phase is Phase.DETECTION
    if clock_running:
        changed = replace(
            changed,
            ack_due_at=incident.detected_at + level.response_time,
            response_time=level.response_time,
            generation=incident.generation + 1,
        )
        jobs = (_ack_timer(changed),)
        cancel = (ack_deadline_key(incident.id, incident.generation),)
    if incident.resolved_at is not None:
        due_after = level.postmortem_due_after
        changed = replace(changed, postmortem_due_at=incident.resolved_at + due_after if due_after else None)
    reason = _clean_optional("reason", reason)
    text = f"Severity changed {incident.severity.value} → {severity.value}"
    if reason:
        text += f": {reason}"
    if clock_running:
        text += f" (acknowledge by {_hhmm(changed.ack_due_at)})"
    event = timeline_event(
        EventKind.SEVERITY_CHANGED,
        at,
        by,
        text,
        old=incident.severity.value,
        new=severity.value,
        reason=reason,
    )
    return Change(changed, events=(event,), jobs=jobs, cancel_keys=cancel)


def resolve(incident: Incident, *, summary: str = "", at: datetime, by: str, plan: Plan) -> Change:
    """Service restored: stop the clock, start post-incident; P0/P1 get a post-mortem deadline."""
    _require_aware(at)
    lifecycle.require("resolve", incident.phase)
    due_after = plan.level(incident.severity).postmortem_due_after
    postmortem_due_at = at + due_after if due_after else None
    resolved = replace(
        incident,
        phase=Phase.POST_INCIDENT,
        resolved_at=at,
        postmortem_due_at=postmortem_due_at,
        generation=incident.generation + 1,
    )
    summary = _clean_optional("summary", summary)
    text = f"Resolved after {format_duration(at - incident.detected_at)}"
    if summary:
        text += f": {summary}"
    if postmortem_due_at is not None:
        text += f" — post-mortem required by {postmortem_due_at.strftime('%Y-%m-%d %H:%M UTC')}"
    cancel = () if incident.acknowledged_at else (ack_deadline_key(incident.id, incident.generation),)
    event = timeline_event(EventKind.RESOLVED, at, by, text, summary=summary)
    return Change(resolved, events=(event,), cancel_keys=cancel)


def reopen(incident: Incident, *, reason: str = "", at: datetime, by: str, plan: Plan) -> Change:
    """Back to work: resolution if someone had acknowledged, else detection with a fresh clock."""
    _require_aware(at)
    lifecycle.require("reopen", incident.phase)
    acked = incident.acknowledged_at is not None
    reopened = replace(
        incident,
        phase=Phase.RESOLUTION if acked else Phase.DETECTION,
        resolved_at=None,
        closed_at=None,
        postmortem_due_at=None,
        generation=incident.generation + 1,
    )
    jobs: tuple[JobRequest, ...] = ()
    if not acked:
        response_time = plan.response_time(incident.severity)
        reopened = replace(reopened, ack_due_at=at + response_time, response_time=response_time)
        jobs = (_ack_timer(reopened),)
    reason = _clean_optional("reason", reason)
    text = "Reopened" + (f": {reason}" if reason else "")
    return Change(reopened, events=(timeline_event(EventKind.REOPENED, at, by, text),), jobs=jobs)


def close(incident: Incident, *, at: datetime, by: str) -> Change:
    _require_aware(at)
    lifecycle.require("close", incident.phase)
    closed = replace(incident, phase=Phase.CLOSED, closed_at=at)
    return Change(closed, events=(timeline_event(EventKind.CLOSED, at, by, "Closed"),))


def breach_ack_deadline(incident: Incident, *, generation: int, at: datetime) -> Change | None:
    """The ack-deadline timer fired at ``at`` (the one timer of the response time: its handler
    escalates with this change, no second job). ``None`` when it is stale (fenced), not yet due,
    or this deadline's breach is already recorded (so a timer run twice has one effect).
    ``sla_breached_at`` is the deadline itself; a late firing says how late on the timeline."""
    _require_aware(at)
    stale = generation != incident.generation or incident.phase is not Phase.DETECTION
    recorded = incident.sla_breached_at is not None and incident.sla_breached_at >= incident.ack_due_at
    if stale or recorded or at < incident.ack_due_at:
        return None
    # The breach happened when the deadline passed, not when tocsin noticed (a timer fires late
    # when tocsin was not running; its timeline line says so).
    breached = replace(incident, sla_breached_at=incident.sla_breached_at or incident.ack_due_at)
    text = (
        f"Response time breached: {incident.severity.value} requires acknowledgement within "
        f"{format_duration(incident.response_time)}, due {_hhmm(incident.ack_due_at)}"
    )
    text = lateness.with_note(text, incident.ack_due_at, at)
    data = {"due_at": incident.ack_due_at.isoformat(), **lateness.late_data(incident.ack_due_at, at)}
    event = timeline_event(EventKind.SLA_BREACHED, at, "tocsin", text, **data)
    return Change(breached, events=(event,))  # the timer's handler escalates in the same change
