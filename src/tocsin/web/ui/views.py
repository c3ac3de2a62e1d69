"""What the templates show about an incident, computed once on the server: the response clock's
state and wording, and the dashboard's ordering."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tocsin.domain.incident import Incident
from tocsin.domain.severity import Plan, SeverityLevel
from tocsin.domain.sla import SlaState
from tocsin.platform.i18n import N_
from tocsin.platform.i18n import gettext as _
from tocsin.web.ui.formats import duration

# How the severity reads without colour: a shape and the plan's own words.
SEVERITY_SHAPES = {"P0": "◆", "P1": "▲", "P2": "●", "P3": "■"}


@dataclass(frozen=True, slots=True)
class Clock:
    """The response clock as the page shows it. ``running`` clocks tick in the browser."""

    state: str  # ok, at_risk, breached, stopped
    running: bool
    due_at: datetime
    remaining_seconds: float
    response_seconds: int
    text: str
    state_label: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    incident: Incident
    level: SeverityLevel
    shape: str
    clock: Clock

    @property
    def id(self) -> int:
        return self.incident.id


STATE_LABELS = {
    SlaState.OK.value: N_("On time"),
    SlaState.AT_RISK.value: N_("At risk"),
    SlaState.BREACHED.value: N_("Breached"),
}


def countdown(seconds: float) -> str:
    """``04:59``, ``3:59:12``, ``27:59:12``: seconds always visible, so the clock visibly runs;
    hours past a day, as the plan counts them (``24 h``, ``48 h``)."""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def clock_of(incident: Incident, now: datetime) -> Clock:
    status = incident.sla(now)
    response = int(incident.response_time.total_seconds())
    if status.running:
        left = status.remaining_seconds
        text = _("%s left") % countdown(left) if left > 0 else _("overdue %s") % countdown(-left)
        return Clock(
            status.state.value, True, status.due_at, left, response, text, _(STATE_LABELS[status.state])
        )
    if incident.acknowledged_at is not None:
        took = duration(incident.acknowledged_at - incident.detected_at)
        late = incident.acknowledged_at > incident.ack_due_at
        return Clock(
            "breached" if late else "stopped",
            False,
            status.due_at,
            status.remaining_seconds,
            response,
            _("acknowledged in %s") % took,
            _("Late ack") if late else _("Acknowledged"),
        )
    return Clock(
        "stopped", False, status.due_at, status.remaining_seconds, response, _("clock stopped"), _("Resolved")
    )


def view(incident: Incident, plan: Plan, now: datetime) -> IncidentView:
    return IncidentView(
        incident=incident,
        level=plan.level(incident.severity),
        shape=SEVERITY_SHAPES[incident.severity.value],
        clock=clock_of(incident, now),
    )


def by_urgency(views: Iterable[IncidentView]) -> list[IncidentView]:
    """Most severe first; within a severity, running clocks by time left, then the others by
    newest detection."""

    def key(v: IncidentView) -> tuple[int, int, float]:
        if v.clock.running:
            return (v.incident.severity.rank, 0, v.clock.remaining_seconds)
        return (v.incident.severity.rank, 1, -v.incident.detected_at.timestamp())

    return sorted(views, key=key)


def recently_resolved(views: Iterable[IncidentView], limit: int) -> Sequence[IncidentView]:
    resolved = [v for v in views if v.incident.resolved_at is not None]
    resolved.sort(key=lambda v: v.incident.resolved_at or v.incident.detected_at, reverse=True)
    return resolved[:limit]
