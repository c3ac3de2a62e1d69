"""Alerts and alert groups over the unit of work's connection; nothing here commits."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tocsin.adapters.db import rows
from tocsin.adapters.db.fast import Fast, in_list
from tocsin.adapters.db.schema import OPEN_PHASE_VALUES, alert_groups, alerts, incidents
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.alert import AlertCounts, AlertGroup, AlertStatus, AlertTally, StoredAlert
from tocsin.domain.errors import Conflict
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.severity import Severity
from tocsin.services.intake.ports import AlertKey

# The intake's statements, per webhook: built once, run on the driver's cursor (see ``fast``).
_GROUP_COLUMNS = [c.label(f"g_{c.name}") for c in alert_groups.c if c.name != "incident_id"]
_COUNTS = (
    alert_groups.c.incident_id,
    alert_groups.c.alerts_total,
    alert_groups.c.alerts_firing,
    alert_groups.c.truncated_alerts,
)
_COUNTS_OF_ONE = Fast(sa.select(*_COUNTS).where(alert_groups.c.incident_id == sa.bindparam("incident_key")))
_CURRENT = Fast(
    sa.select(incidents, *_GROUP_COLUMNS)
    .join(alert_groups, alert_groups.c.incident_id == incidents.c.id)
    .where(incidents.c.alert_group == sa.bindparam("group_id"))
    .order_by(incidents.c.id.desc())
    .limit(1)
    # Both rows: on PostgreSQL a transaction that waited for the lock then reads the newest
    # version of the rows it locks, but the snapshot's version of any other joined row, and the
    # group's tally changes with every notification.
    .with_for_update(of=[incidents, alert_groups])
)
_INCIDENT_COLUMNS = len(incidents.c)  # the first columns of a ``_CURRENT`` row
# Incidents converted from ``_CURRENT`` rows, by the row's stored incident values: converting
# (dates, JSON, the domain object) costs more than the query; an incident changes far less
# often than alerts arrive. The query still runs every time (lock, freshness); only the
# conversion of unchanged values is skipped.
_INCIDENTS: dict[tuple[Any, ...], Incident] = {}
_INCIDENTS_KEPT = 1024
_INSERT = Fast(
    alerts.insert().values({c.name: sa.bindparam(c.name, type_=c.type) for c in alerts.c if c.name != "id"})
)
_UPDATE_KEYS = ("status", "ends_at", "starts_at", "last_seen_at", "first_seen_at", "annotations", "summary")
_UPDATE = Fast(
    alerts.update()
    .where(alerts.c.id == sa.bindparam("row_id"))
    .values({k: sa.bindparam(k, type_=alerts.c[k].type) for k in (*_UPDATE_KEYS, "severity")})
)
_GROUP_KEYS = [c.name for c in alert_groups.c if c.name not in ("incident_id", "created_at")]
_SAVE_GROUP = Fast(
    alert_groups.update()
    .where(alert_groups.c.incident_id == sa.bindparam("group_id"))
    .values({k: sa.bindparam(k, type_=alert_groups.c[k].type) for k in _GROUP_KEYS})
)


# An incident's alerts, a page at a time (``list``): a limit of -1 is none on SQLite.
_ALERT_ORDER = (alerts.c.status, alerts.c.first_seen_at, alerts.c.id)
_PAGE_QUERY = (
    sa.select(alerts)
    .where(alerts.c.incident_id == sa.bindparam("incident_key"))
    .order_by(*_ALERT_ORDER)
    .limit(sa.bindparam("page_limit", type_=sa.Integer()))
    .offset(sa.bindparam("page_offset", type_=sa.Integer()))
)
_PAGE = Fast(_PAGE_QUERY)
_PAGE_AFTER = Fast(
    _PAGE_QUERY.where(
        sa.tuple_(*_ALERT_ORDER)
        > sa.tuple_(
            sa.bindparam("after_status", type_=alerts.c.status.type),
            sa.bindparam("after_seen", type_=UTCDateTime()),
            sa.bindparam("after_id", type_=sa.Integer()),
        )
    )
)
_GROUP_KEY = Fast(
    sa.select(alert_groups.c.group_key).where(alert_groups.c.incident_id == sa.bindparam("incident_key"))
)


@functools.lru_cache(maxsize=64)
def _lookup(count: int) -> Fast:
    """The ``count`` mentioned alerts of an incident (by the unique index)."""
    mentioned = in_list("f", count)
    return Fast(
        sa.select(alerts).where(
            alerts.c.incident_id == sa.bindparam("incident_id"), alerts.c.fingerprint.in_(mentioned)
        )
    )


@functools.lru_cache(maxsize=64)
def _current_with(count: int) -> Fast:
    """SQLite: ``_CURRENT`` and ``_lookup`` in one statement, one row per known alert (alert
    columns ``a_…``, NULL when none is known). Only there: a writer holds the database's write
    lock from its first statement, so nothing changes between the two reads anyway; on
    PostgreSQL the alerts must be read after the row lock is granted (the lock's wait would
    leave an unlocked joined row at its older version)."""
    latest = (
        sa.select(sa.func.max(incidents.c.id))
        .select_from(incidents.join(alert_groups, alert_groups.c.incident_id == incidents.c.id))
        .where(incidents.c.alert_group == sa.bindparam("group_id"))
        .scalar_subquery()
    )
    mentioned = sa.and_(alerts.c.incident_id == incidents.c.id, alerts.c.fingerprint.in_(in_list("f", count)))
    return Fast(
        sa.select(incidents, *_GROUP_COLUMNS, *[c.label(f"a_{c.name}") for c in alerts.c])
        .join(alert_groups, alert_groups.c.incident_id == incidents.c.id)
        .outerjoin(alerts, mentioned)
        .where(incidents.c.id == latest)
    )


_ALERT_START = _INCIDENT_COLUMNS + len(_GROUP_COLUMNS)  # a ``_current_with`` row: incident, group, alert
_ALERT_ROW = _lookup(1)  # converts an alert's columns like ``lookup`` does


def _values(row: StoredAlert) -> dict[str, Any]:
    return {
        "incident_id": row.incident_id,
        "source": row.source,
        "fingerprint": row.fingerprint,
        "status": row.status.value,
        "severity": row.severity.value,
        "name": row.name[:200],
        "summary": row.summary,
        "labels": dict(row.labels),
        "annotations": dict(row.annotations),
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "generator_url": row.generator_url,
        "first_seen_at": row.first_seen_at,
        "last_seen_at": row.last_seen_at,
    }


def _stored(r: Mapping[Any, Any], group_key: str = "") -> StoredAlert:
    return StoredAlert(
        id=r["id"],
        incident_id=IncidentId(r["incident_id"]),
        source=r["source"],
        group_key=group_key,
        fingerprint=r["fingerprint"],
        status=AlertStatus(r["status"]),
        severity=Severity(r["severity"]),
        name=r["name"],
        summary=r["summary"],
        labels=dict(r["labels"]),
        annotations=dict(r["annotations"]),
        starts_at=r["starts_at"],
        ends_at=r["ends_at"],
        generator_url=r["generator_url"],
        first_seen_at=r["first_seen_at"],
        last_seen_at=r["last_seen_at"],
    )


class SqlAlertRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def current(self, group_id: str) -> tuple[Incident, AlertGroup] | None:
        names, found = _CURRENT.raw(self._conn, {"group_id": group_id})
        if not found:
            return None
        return self._incident(names, found[0]), self._group(names, found[0])

    def current_with(
        self, group_id: str, fingerprints: Sequence[str]
    ) -> tuple[Incident, AlertGroup, Mapping[str, StoredAlert]] | None:
        if self._conn.dialect.name != "sqlite" or not fingerprints:
            current = self.current(group_id)
            if current is None:
                return None
            return current[0], current[1], self.lookup(current[0].id, fingerprints)
        params: dict[str, object] = {f"f{i}": f for i, f in enumerate(fingerprints)}
        params["group_id"] = group_id
        names, found = _current_with(len(fingerprints)).raw(self._conn, params)
        if not found:
            return None
        alert_names = [name.removeprefix("a_") for name in names[_ALERT_START:]]
        known = {}
        for row in found:
            if row[_ALERT_START] is not None:  # the alert's id: NULL when none is known
                record = _ALERT_ROW.convert(self._conn.dialect, alert_names, row[_ALERT_START:])
                known[record["fingerprint"]] = _stored(record)
        return self._incident(names, found[0]), self._group(names, found[0]), known

    @staticmethod
    def _group(names: Sequence[str], row: Sequence[Any]) -> AlertGroup:
        # the group record (its tally changes with every notification) straight from the row
        g = dict(zip(names[_INCIDENT_COLUMNS:_ALERT_START], row[_INCIDENT_COLUMNS:_ALERT_START], strict=True))
        return AlertGroup(
            source=g["g_source"],
            group_key=g["g_group_key"],
            alert_severity=Severity(g["g_alert_severity"]),
            human_severity=bool(g["g_human_severity"]),
            truncated=g["g_truncated_alerts"],
            tally=AlertTally(
                g["g_alerts_total"],
                g["g_alerts_firing"],
                (g["g_alerts_p0"], g["g_alerts_p1"], g["g_alerts_p2"], g["g_alerts_p3"]),
            ),
        )

    def _incident(self, names: Sequence[str], row: Sequence[Any]) -> Incident:
        """The incident of a ``_CURRENT`` row; the same stored values always give the same
        (immutable) incident, so it is converted once while they stay the same."""
        key = tuple(row[:_INCIDENT_COLUMNS])
        try:
            known = _INCIDENTS.get(key)
        except TypeError:  # a driver that returns lists (JSON on PostgreSQL): not hashable
            return rows.to_incident(_CURRENT.convert(self._conn.dialect, names, row))
        if known is None:
            known = rows.to_incident(_CURRENT.convert(self._conn.dialect, names, row))
            if len(_INCIDENTS) >= _INCIDENTS_KEPT:
                _INCIDENTS.clear()
            _INCIDENTS[key] = known
        return known

    def claim(self, incident: Incident, group_id: str, group: AlertGroup) -> None:
        """Earlier, no longer open incidents of the group let go of it (so reopening one of
        them by hand never collides with the index), then this one takes it. An open one keeps
        it: the partial unique index then refuses a second open incident for the group."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    incidents.update()
                    .where(
                        incidents.c.alert_group == group_id,
                        incidents.c.id != incident.id,
                        incidents.c.phase.not_in(OPEN_PHASE_VALUES),
                    )
                    .values(alert_group=None)
                )
                self._conn.execute(
                    incidents.update().where(incidents.c.id == incident.id).values(alert_group=group_id)
                )
        except IntegrityError:
            raise Conflict(f"another incident was opened for alert group {group.group_key!r}") from None
        self._conn.execute(
            alert_groups.insert().values(
                incident_id=incident.id, created_at=incident.detected_at, **self._group_values(group)
            )
        )

    @staticmethod
    def _group_values(group: AlertGroup) -> dict[str, Any]:
        return {
            "source": group.source,
            "group_key": group.group_key,
            "alert_severity": group.alert_severity.value,
            "human_severity": group.human_severity,
            "truncated_alerts": group.truncated,
            "alerts_total": group.tally.total,
            "alerts_firing": group.tally.firing,
            **{f"alerts_{s.value.lower()}": group.tally.by_severity[s.rank] for s in Severity},
        }

    def save_group(self, incident_id: IncidentId, group: AlertGroup) -> None:
        _SAVE_GROUP.many(self._conn, [{"group_id": incident_id, **self._group_values(group)}])

    def lookup(self, incident_id: IncidentId, fingerprints: Sequence[str]) -> Mapping[str, StoredAlert]:
        """The mentioned alerts of the incident that it already has."""
        if not fingerprints:
            return {}
        params: dict[str, object] = {f"f{i}": f for i, f in enumerate(fingerprints)}
        params["incident_id"] = incident_id
        return {r["fingerprint"]: _stored(r) for r in _lookup(len(fingerprints)).rows(self._conn, params)}

    def write(self, stored: Sequence[StoredAlert]) -> None:
        _INSERT.many(self._conn, [_values(r) for r in stored if r.id is None])
        changed = []
        for r in stored:
            if r.id is not None:
                values = _values(r)
                changed.append(
                    {"row_id": r.id, "severity": values["severity"], **{k: values[k] for k in _UPDATE_KEYS}}
                )
        _UPDATE.many(self._conn, changed)

    def list(
        self,
        incident_id: IncidentId,
        *,
        limit: int | None = None,
        offset: int = 0,
        after: AlertKey | None = None,
    ) -> Sequence[StoredAlert]:
        """On ``ix_alerts_list_order`` (incident, status, first seen, id); on the driver's cursor
        (see ``fast``): the room reads a page, its runbooks and its diagnostics links with every
        poll."""
        values: dict[str, Any] = {
            "incident_key": incident_id,
            "page_limit": -1 if limit is None else limit,
            "page_offset": offset,
        }
        if limit is None and self._conn.dialect.name != "sqlite":
            values["page_limit"] = None  # LIMIT NULL: no limit on PostgreSQL
        if after is None:
            found = _PAGE.rows(self._conn, values)
        else:
            values.update(after_status=after.status.value, after_seen=after.first_seen_at, after_id=after.id)
            found = _PAGE_AFTER.rows(self._conn, values)
        if not found:
            return []
        group = _GROUP_KEY.rows(self._conn, {"incident_key": incident_id})
        group_key = str(group[0]["group_key"]) if group else ""
        return [_stored(r, group_key) for r in found]

    def names(self, limit: int = 10_000) -> Sequence[str]:
        query = sa.select(alerts.c.name).distinct().order_by(alerts.c.name).limit(limit)
        return list(self._conn.execute(query).scalars())

    def counts(self, incident_ids: Sequence[IncidentId]) -> Mapping[IncidentId, AlertCounts]:
        """From the groups' tallies (kept by the intake with every alert written): one row per
        incident, whatever its number of alerts."""
        if not incident_ids:
            return {}
        if len(incident_ids) == 1:  # one incident's page or API read: the prebuilt statement
            found = _COUNTS_OF_ONE.rows(self._conn, {"incident_key": incident_ids[0]})
            tallies = [
                (r["incident_id"], r["alerts_total"], r["alerts_firing"], r["truncated_alerts"])
                for r in found
            ]
        else:
            query = sa.select(*_COUNTS).where(alert_groups.c.incident_id.in_(list(incident_ids)))
            tallies = [tuple(row) for row in self._conn.execute(query)]
        counts: dict[IncidentId, AlertCounts] = {}
        for incident_id, total, firing, truncated in tallies:
            if total:
                counts[IncidentId(incident_id)] = AlertCounts(
                    firing=int(firing), resolved=int(total) - int(firing), truncated=int(truncated)
                )
        return counts
