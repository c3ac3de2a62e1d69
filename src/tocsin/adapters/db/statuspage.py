"""The status page's rows over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import (
    status_component_history,
    status_incidents,
    status_maintenances,
    status_revision,
    status_updates,
)
from tocsin.adapters.db.status_history import SqlComponentHistory
from tocsin.adapters.db.status_mail import SqlStatusMailRows
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


class SqlStatusPageRepository(SqlStatusMailRows, SqlComponentHistory):
    """Public incidents, updates and component history; mails and subscribers, and the
    history's reads, are inherited."""

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
