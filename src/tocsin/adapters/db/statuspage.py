"""The status page's rows over the unit of work's connection; nothing here commits."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import (
    status_component_history,
    status_incidents,
    status_maintenances,
    status_revision,
    status_updates,
)
from tocsin.adapters.db.status_mail import SqlStatusMailRows
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.maintenance import Maintenance, MaintenanceStatus, MaintenanceUpdate
from tocsin.domain.statuspage import (
    ComponentChange,
    ComponentStatus,
    PublicIncident,
    PublicUpdate,
    UpdateStatus,
)
from tocsin.services.statuspage.ports import StatusChange


def _change_json(change: ComponentChange) -> dict[str, str]:
    return {
        "code": change.key,
        "name": change.name,
        "old_status": change.old_status.value,
        "new_status": change.new_status.value,
    }


def _update(row: RowMapping) -> PublicUpdate:
    affected = tuple(
        ComponentChange(
            a["code"], a["name"], ComponentStatus(a["old_status"]), ComponentStatus(a["new_status"])
        )
        for a in row["affected"]
    )
    return PublicUpdate(row["id"], UpdateStatus(row["status"]), row["body"], row["posted_at"], affected)


def _maintenance(row: RowMapping) -> Maintenance:
    updates = tuple(
        MaintenanceUpdate(
            u["id"], MaintenanceStatus(u["status"]), u["body"], datetime.fromisoformat(u["posted_at"])
        )
        for u in row["updates"]
    )
    return Maintenance(
        id=row["id"],
        name=row["name"],
        status=MaintenanceStatus(row["status"]),
        scheduled_for=row["scheduled_for"],
        scheduled_until=row["scheduled_until"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        components=tuple(row["components"]),
        updates=updates,
        started_at=row["started_at"],
        completed_at=row["completed_at"],
    )


# The status page's uptime (``history`` with ``since``), per component: on the driver's cursor
# (see ``fast``), for the 90 days of a dense history are thousands of rows.
_HISTORY_COLUMNS = sa.select(
    status_component_history.c.component,
    status_component_history.c.status,
    status_component_history.c.at,
    status_component_history.c.id,
)
_CHANGE_BEFORE = Fast(
    _HISTORY_COLUMNS.where(
        status_component_history.c.component == sa.bindparam("component_key"),
        status_component_history.c.at < sa.bindparam("since", type_=UTCDateTime()),
    )
    .order_by(status_component_history.c.at.desc(), status_component_history.c.id.desc())
    .limit(1)
)
_KEY_COLUMNS: list[sa.ColumnElement[Any]] = [
    sa.func.count().label("n"),
    sa.func.min(status_component_history.c.id).label("oldest"),
    sa.func.max(status_component_history.c.id).label("newest"),
]
_CHANGES_KEY = Fast(
    sa.select(*_KEY_COLUMNS).where(
        status_component_history.c.component == sa.bindparam("component_key"),
        status_component_history.c.at >= sa.bindparam("since", type_=UTCDateTime()),
    )
)


_Change = tuple[datetime, int, StatusChange]  # at, id: the order of the history
_STATUSES = {s.value: s for s in ComponentStatus}


def _changes(rows: list[dict[str, Any]]) -> list[_Change]:
    return [(r["at"], r["id"], StatusChange(r["component"], _STATUSES[r["status"]], r["at"])) for r in rows]


@dataclass(frozen=True, slots=True)
class _Recent:
    since: datetime
    changes: list[_Change]
    ids: tuple[int, int | None, int | None]  # how many, the least and the greatest id


# Per engine and component: the rows of the last uptime read (see ``_changes_since``).
_RECENT_CHANGES: weakref.WeakKeyDictionary[sa.Engine, dict[str, _Recent]] = weakref.WeakKeyDictionary()
_CHANGES_SINCE = Fast(
    _HISTORY_COLUMNS.where(
        status_component_history.c.component == sa.bindparam("component_key"),
        status_component_history.c.at >= sa.bindparam("since", type_=UTCDateTime()),
    )
)


class SqlStatusPageRepository(SqlStatusMailRows):
    """Public incidents, updates and component history; mails and subscribers are inherited."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)

    def _public(self, row: RowMapping | None) -> PublicIncident | None:
        if row is None:
            return None
        updates = self._conn.execute(
            sa.select(status_updates)
            .where(status_updates.c.status_incident_id == row["id"])
            .order_by(status_updates.c.posted_at, status_updates.c.id)
        ).mappings()
        return PublicIncident(
            id=row["id"],
            incident_id=row["incident_id"],
            name=row["name"],
            impact=row["impact"],
            status=UpdateStatus(row["status"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            components=tuple(row["components"]),
            updates=tuple(_update(u) for u in updates),
            draft_body=row["draft_body"],
            first_posted_at=row["first_posted_at"],
            monitoring_at=row["monitoring_at"],
            resolved_at=row["resolved_at"],
        )

    def get_public(self, incident_id: int) -> PublicIncident | None:
        row = (
            self._conn.execute(
                sa.select(status_incidents).where(status_incidents.c.incident_id == incident_id)
            )
            .mappings()
            .first()
        )
        return self._public(row)

    def find_public(self, public_id: str) -> PublicIncident | None:
        row = (
            self._conn.execute(
                sa.select(status_incidents).where(
                    status_incidents.c.id == public_id, status_incidents.c.first_posted_at.is_not(None)
                )
            )
            .mappings()
            .first()
        )
        return self._public(row)

    def list_public(self, *, since: datetime | None = None, limit: int = 50) -> Sequence[PublicIncident]:
        query = sa.select(status_incidents).where(status_incidents.c.first_posted_at.is_not(None))
        if since is not None:
            query = query.where(status_incidents.c.updated_at >= since)
        rows = (
            self._conn.execute(
                query.order_by(status_incidents.c.created_at.desc(), status_incidents.c.id).limit(limit)
            )
            .mappings()
            .all()
        )
        return [p for p in (self._public(r) for r in rows) if p is not None]

    def save_public(self, public: PublicIncident) -> None:
        values: dict[str, Any] = {
            "incident_id": public.incident_id,
            "name": public.name,
            "impact": public.impact,
            "status": public.status.value,
            "created_at": public.created_at,
            "updated_at": public.updated_at,
            "components": list(public.components),
            "draft_body": public.draft_body,
            "first_posted_at": public.first_posted_at,
            "monitoring_at": public.monitoring_at,
            "resolved_at": public.resolved_at,
        }
        done = self._conn.execute(
            status_incidents.update().where(status_incidents.c.id == public.id).values(**values)
        )
        if done.rowcount == 0:
            self._conn.execute(status_incidents.insert().values(id=public.id, **values))
        known = set(
            self._conn.execute(
                sa.select(status_updates.c.id).where(status_updates.c.status_incident_id == public.id)
            ).scalars()
        )
        for update in public.updates:
            if update.id not in known:
                self._conn.execute(
                    status_updates.insert().values(
                        id=update.id,
                        status_incident_id=public.id,
                        status=update.status.value,
                        body=update.body,
                        posted_at=update.posted_at,
                        affected=[_change_json(c) for c in update.affected],
                    )
                )
        if public.published:
            self._bump()

    def _bump(self) -> None:
        done = self._conn.execute(
            status_revision.update()
            .where(status_revision.c.id == 1)
            .values(revision=status_revision.c.revision + 1)
        )
        if done.rowcount == 0:
            self._conn.execute(status_revision.insert().values(id=1, revision=1))

    def record_statuses(self, changes: Sequence[StatusChange], *, public_id: str | None) -> None:
        if not changes:
            return
        self._conn.execute(
            status_component_history.insert(),
            [
                {
                    "component": c.component,
                    "status": c.status.value,
                    "at": c.at,
                    "status_incident_id": public_id,
                }
                for c in changes
            ],
        )
        self._bump()

    def history(self, since: datetime | None = None) -> Sequence[StatusChange]:
        """With ``since``: a range on (component, at) per component and one seek for the
        change before it, whatever the length of the history."""
        h = status_component_history
        query = sa.select(h.c.component, h.c.status, h.c.at, h.c.id)
        if since is None:
            rows = self._conn.execute(query.order_by(h.c.at, h.c.id)).mappings()
            return [StatusChange(r["component"], ComponentStatus(r["status"]), r["at"]) for r in rows]
        found: list[_Change] = []
        for component in self._components():
            values = {"component_key": component, "since": since}
            found += _changes(_CHANGE_BEFORE.rows(self._conn, values))
            found += self._changes_since(component, since)
        found.sort(key=lambda c: (c[0], c[1]))
        return [change for _, _, change in found]

    def _changes_since(self, component: str, since: datetime) -> list[_Change]:
        """The component's changes from ``since`` on, from the rows this process read last time
        when they are still all there is (the history is only ever appended to: the same count,
        oldest and newest id from the cached start on mean the same rows), else read again."""
        cache = _RECENT_CHANGES.setdefault(self._conn.engine, {})
        cached = cache.get(component)
        if cached is not None and cached.since <= since:
            values = {"component_key": component, "since": cached.since}
            count, oldest, newest = _CHANGES_KEY.rows(self._conn, values)[0].values()
            if (count, oldest, newest) == cached.ids:
                return [c for c in cached.changes if c[0] >= since]
        changes = _changes(_CHANGES_SINCE.rows(self._conn, {"component_key": component, "since": since}))
        ids = [c[1] for c in changes]
        cache[component] = _Recent(since, changes, (len(ids), min(ids, default=None), max(ids, default=None)))
        return changes

    def first_changes(self) -> Mapping[str, datetime]:
        h = status_component_history
        first: dict[str, datetime] = {}
        for component in self._components():
            at = self._conn.execute(sa.select(sa.func.min(h.c.at)).where(h.c.component == component)).scalar()
            if at is not None:
                first[component] = at
        return first

    def _components(self) -> list[str]:
        """The components with a history, by a skip scan of the (component, at) index: one
        seek per component instead of reading every row."""
        query = sa.text(
            "WITH RECURSIVE c(name) AS ("
            " SELECT min(component) FROM status_component_history"
            " UNION ALL SELECT (SELECT min(component) FROM status_component_history WHERE component > c.name)"
            " FROM c WHERE c.name IS NOT NULL)"
            " SELECT name FROM c WHERE name IS NOT NULL"
        )
        return [str(name) for name in self._conn.execute(query).scalars()]

    def save_maintenance(self, maintenance: Maintenance) -> None:
        values: dict[str, Any] = {
            "name": maintenance.name,
            "status": maintenance.status.value,
            "scheduled_for": maintenance.scheduled_for,
            "scheduled_until": maintenance.scheduled_until,
            "created_at": maintenance.created_at,
            "updated_at": maintenance.updated_at,
            "components": list(maintenance.components),
            "updates": [
                {"id": u.id, "status": u.status.value, "body": u.body, "posted_at": u.posted_at.isoformat()}
                for u in maintenance.updates
            ],
            "started_at": maintenance.started_at,
            "completed_at": maintenance.completed_at,
        }
        done = self._conn.execute(
            status_maintenances.update().where(status_maintenances.c.id == maintenance.id).values(**values)
        )
        if done.rowcount == 0:
            self._conn.execute(status_maintenances.insert().values(id=maintenance.id, **values))
        self._bump()

    def get_maintenance(self, maintenance_id: str, *, for_update: bool = False) -> Maintenance | None:
        query = sa.select(status_maintenances).where(status_maintenances.c.id == maintenance_id)
        if for_update:
            query = query.with_for_update()
        row = self._conn.execute(query).mappings().first()
        return None if row is None else _maintenance(row)

    def list_maintenances(
        self, *, limit: int = 50, completed_since: datetime | None = None
    ) -> Sequence[Maintenance]:
        query = sa.select(status_maintenances)
        if completed_since is not None:
            completed = status_maintenances.c.completed_at
            query = query.where(sa.or_(completed.is_(None), completed >= completed_since))
        rows = self._conn.execute(
            query.order_by(status_maintenances.c.scheduled_for.desc(), status_maintenances.c.id).limit(limit)
        ).mappings()
        return [_maintenance(r) for r in rows]

    def version(self) -> str:
        value = self._conn.execute(
            sa.select(status_revision.c.revision).where(status_revision.c.id == 1)
        ).scalar()
        return str(value or 0)
