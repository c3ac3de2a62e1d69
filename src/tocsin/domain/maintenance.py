"""Scheduled maintenance on the public status page. Pure.

Statuses and field names are Atlassian Statuspage's: a maintenance moves forward through
scheduled → in_progress → verifying → completed (steps may be skipped, never reversed), each
step with a posted update. While it is in progress or being verified, its components show
``under_maintenance``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.statuspage import clean_body

MAX_NAME = 200


class MaintenanceStatus(StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def icon(self) -> str:
        return _ICONS[self]


_ICONS = {
    MaintenanceStatus.SCHEDULED: "🗓️",
    MaintenanceStatus.IN_PROGRESS: "🔧",
    MaintenanceStatus.VERIFYING: "🔵",
    MaintenanceStatus.COMPLETED: "🟢",
}
_ORDER = list(MaintenanceStatus)
ACTIVE = frozenset({MaintenanceStatus.IN_PROGRESS, MaintenanceStatus.VERIFYING})


@dataclass(frozen=True, slots=True)
class MaintenanceUpdate:
    id: str
    status: MaintenanceStatus
    body: str
    posted_at: datetime

    def render(self) -> str:
        return (
            f"{self.status.icon} **{self.status.label}** - {self.body}\n"
            f"Posted: {self.posted_at:%Y-%m-%d %H:%M} UTC"
        )


@dataclass(frozen=True, slots=True)
class Maintenance:
    id: str
    name: str
    status: MaintenanceStatus
    scheduled_for: datetime
    scheduled_until: datetime
    created_at: datetime
    updated_at: datetime
    components: tuple[str, ...] = ()
    updates: tuple[MaintenanceUpdate, ...] = ()
    started_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def upcoming(self) -> bool:
        return self.status is MaintenanceStatus.SCHEDULED

    @property
    def completed(self) -> bool:
        return self.status is MaintenanceStatus.COMPLETED

    def chronological(self) -> tuple[MaintenanceUpdate, ...]:
        return tuple(sorted(self.updates, key=lambda u: u.posted_at))


def schedule(
    maintenance_id: str,
    update_id: str,
    *,
    name: str,
    body: str,
    scheduled_for: datetime,
    scheduled_until: datetime,
    components: Sequence[str],
    at: datetime,
) -> Maintenance:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput(f"name: 1 to {MAX_NAME} characters")
    if scheduled_until <= scheduled_for:
        raise InvalidInput("scheduled_until: must be after scheduled_for")
    update = MaintenanceUpdate(update_id, MaintenanceStatus.SCHEDULED, clean_body(body), at)
    return Maintenance(
        id=maintenance_id,
        name=cleaned,
        status=MaintenanceStatus.SCHEDULED,
        scheduled_for=scheduled_for,
        scheduled_until=scheduled_until,
        created_at=at,
        updated_at=at,
        components=tuple(dict.fromkeys(components)),
        updates=(update,),
    )


def advance(
    maintenance: Maintenance, update_id: str, *, status: MaintenanceStatus, body: str, at: datetime
) -> Maintenance:
    """Post an update; the status may stay or move forward, never back, never after completion."""
    if maintenance.completed:
        raise InvalidTransition(f"maintenance {maintenance.id} is already completed")
    if _ORDER.index(status) < _ORDER.index(maintenance.status):
        raise InvalidTransition(
            f"maintenance {maintenance.id}: cannot go from {maintenance.status} back to {status}"
        )
    update = MaintenanceUpdate(update_id, status, clean_body(body), at)
    started = maintenance.started_at
    if started is None and status is not MaintenanceStatus.SCHEDULED:
        started = at
    return replace(
        maintenance,
        status=status,
        updated_at=at,
        updates=(*maintenance.updates, update),
        started_at=started,
        completed_at=at if status is MaintenanceStatus.COMPLETED else None,
    )
