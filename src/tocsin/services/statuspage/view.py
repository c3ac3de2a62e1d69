"""The public status page as one read-only snapshot: public components with their current
status and 90-day uptime, published incidents, the overall indicator. Internal components,
drafts and everything about the tocsin incident behind a public one stay out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tocsin.domain.maintenance import Maintenance
from tocsin.domain.statuspage import (
    Component,
    ComponentStatus,
    Indicator,
    PublicIncident,
    rollup,
)
from tocsin.domain.uptime import Uptime, uptime
from tocsin.services.context import Services
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.ports import StatusPageConfig

HISTORY_DAYS = 14
UPTIME_DAYS = 90
MAINTENANCE_LIMIT = 200  # announced, in progress or completed within HISTORY_DAYS


@dataclass(frozen=True, slots=True)
class ComponentView:
    component: Component
    status: ComponentStatus
    created_at: datetime
    updated_at: datetime
    uptime: Uptime


@dataclass(frozen=True, slots=True)
class Snapshot:
    config: StatusPageConfig
    now: datetime
    components: tuple[ComponentView, ...]
    incidents: tuple[PublicIncident, ...]
    indicator: Indicator
    updated_at: datetime
    maintenances: tuple[Maintenance, ...] = ()

    @property
    def upcoming_maintenances(self) -> tuple[Maintenance, ...]:
        return tuple(sorted((m for m in self.maintenances if m.upcoming), key=lambda m: m.scheduled_for))

    @property
    def active_maintenances(self) -> tuple[Maintenance, ...]:
        return tuple(m for m in self.maintenances if m.active)

    @property
    def unresolved(self) -> tuple[PublicIncident, ...]:
        return tuple(i for i in self.incidents if not i.resolved)

    def history(self, days: int = HISTORY_DAYS) -> tuple[PublicIncident, ...]:
        since = self.now - timedelta(days=days)
        return tuple(i for i in self.incidents if i.resolved and (i.resolved_at or i.updated_at) >= since)

    def maintenance_history(self, days: int = HISTORY_DAYS) -> tuple[Maintenance, ...]:
        """Maintenance completed in the last ``days``, the most recently completed first."""
        since = self.now - timedelta(days=days)
        done = [m for m in self.maintenances if m.completed and (m.completed_at or m.updated_at) >= since]
        return tuple(sorted(done, key=lambda m: m.completed_at or m.updated_at, reverse=True))

    def find(self, public_id: str) -> PublicIncident | None:
        return next((i for i in self.incidents if i.id == public_id), None)

    def groups(self) -> list[tuple[str, list[ComponentView]]]:
        grouped: dict[str, list[ComponentView]] = defaultdict(list)
        for view in self.components:
            grouped[view.component.group].append(view)
        return list(grouped.items())


def maintenance_path(maintenance: Maintenance) -> str:
    """Where a maintenance is shown, relative to the page root: the front page while it is
    upcoming or under way, the history page once completed."""
    anchor = f"#maintenance-{maintenance.id}"
    return f"history{anchor}" if maintenance.completed else anchor


def version(svc: Services) -> str:
    with svc.read() as uow:
        return uow.statuspage.version()


def _public_only(incident: PublicIncident, public_keys: set[str]) -> PublicIncident:
    """Newest update first; internal components removed from every list."""
    newest_first = sorted(incident.updates, key=lambda u: u.posted_at, reverse=True)
    updates = tuple(
        replace(u, affected=tuple(c for c in u.affected if c.key in public_keys)) for u in newest_first
    )
    components = tuple(k for k in incident.components if k in public_keys)
    return replace(incident, updates=updates, components=components, draft_body="")


def _public_maintenance(maintenance: Maintenance, public_keys: set[str]) -> Maintenance:
    newest_first = tuple(sorted(maintenance.updates, key=lambda u: u.posted_at, reverse=True))
    components = tuple(k for k in maintenance.components if k in public_keys)
    return replace(maintenance, updates=newest_first, components=components)


def snapshot(svc: StatusPageContext, *, limit: int = 50) -> Snapshot:
    config, now = svc.statuspage, svc.clock.now()
    with svc.read() as uow:
        history = uow.statuspage.history(since=now - timedelta(days=UPTIME_DAYS + 1))
        first_changes = uow.statuspage.first_changes()
        incidents = uow.statuspage.list_public(limit=limit)
        maintenances = uow.statuspage.list_maintenances(
            limit=MAINTENANCE_LIMIT, completed_since=now - timedelta(days=HISTORY_DAYS)
        )
    public_keys = {c.key for c in config.public_components}
    shown_maintenances = tuple(_public_maintenance(m, public_keys) for m in maintenances)
    in_maintenance = {k for m in shown_maintenances if m.active for k in m.components}
    by_component: dict[str, list[tuple[datetime, ComponentStatus]]] = defaultdict(list)
    for change in history:
        by_component[change.component].append((change.at, change.status))
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    views = []
    for component in config.public_components:
        changes = by_component.get(component.key, [])
        status = changes[-1][1] if changes else ComponentStatus.OPERATIONAL
        if component.key in in_maintenance and status is ComponentStatus.OPERATIONAL:
            status = ComponentStatus.UNDER_MAINTENANCE
        views.append(
            ComponentView(
                component=component,
                status=status,
                created_at=first_changes.get(component.key, changes[0][0] if changes else day_start),
                updated_at=changes[-1][0] if changes else day_start,
                uptime=uptime(changes, now=now, days=UPTIME_DAYS),
            )
        )
    shown = tuple(_public_only(i, public_keys) for i in incidents)
    indicator = rollup([v.status for v in views], [i.impact for i in shown if not i.resolved])
    stamps = [v.updated_at for v in views] + [i.updated_at for i in shown]
    stamps += [m.updated_at for m in shown_maintenances]
    return Snapshot(
        config, now, tuple(views), shown, indicator, max(stamps, default=day_start), shown_maintenances
    )
