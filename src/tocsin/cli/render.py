"""Plain renderings shared by CLI commands."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tocsin.domain.duration import format_duration
from tocsin.domain.incident import Incident


def sla_text(incident: Incident, now: datetime) -> str:
    clock = incident.sla(now)
    remaining = format_duration(timedelta(seconds=round(abs(clock.remaining_seconds))))
    if not clock.running:
        return (
            f"stopped ({clock.state.value}, {remaining} {'left' if clock.remaining_seconds > 0 else 'late'})"
        )
    if clock.remaining_seconds <= 0:
        return f"BREACHED {remaining} ago"
    return f"{clock.state.value}: {remaining} left (due {clock.due_at:%H:%M} UTC)"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def incident_json(incident: Incident, now: datetime) -> dict[str, Any]:
    clock = incident.sla(now)
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": incident.severity.value,
        "phase": incident.phase.value,
        "detected_at": _iso(incident.detected_at),
        "acknowledged_at": _iso(incident.acknowledged_at),
        "ack_due_at": _iso(incident.ack_due_at),
        "resolved_at": _iso(incident.resolved_at),
        "closed_at": _iso(incident.closed_at),
        "sla": {
            "state": clock.state.value,
            "remaining_seconds": clock.remaining_seconds,
            "running": clock.running,
        },
        "security": incident.security,
    }
