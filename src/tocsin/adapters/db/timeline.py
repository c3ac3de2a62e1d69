"""The timeline repository: an incident's events, appended in one statement per command."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import timeline_events
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.services.ports import StoredEvent

_APPEND = Fast(  # on the intake's hot path: on the driver's cursor (see ``fast``)
    timeline_events.insert().values(
        {c.name: sa.bindparam(c.name, type_=c.type) for c in timeline_events.c if c.name != "id"}
    )
)


_APPEND_COLUMNS = [c for c in timeline_events.c if c.name != "id"]
_APPEND_ROWS_MAX = 4
"""Up to this many events (a command's lines and its escalation step's) go in one multi-row
``INSERT … VALUES (…), (…)``: one statement, ids in the order given; more run as ``many``."""


def _append_rows(count: int) -> Fast:
    rows = [
        {c.name: sa.bindparam(f"{c.name}{i}", type_=c.type) for c in _APPEND_COLUMNS} for i in range(count)
    ]
    return Fast(timeline_events.insert().values(rows))


_APPENDS = {count: _append_rows(count) for count in range(2, _APPEND_ROWS_MAX + 1)}


class SqlTimelineRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def append(self, incident_id: IncidentId, events: Sequence[TimelineEvent]) -> None:
        values = [
            {
                "incident_id": incident_id,
                "kind": e.kind.value,
                "at": e.at,
                "actor": e.actor,
                "text": e.text,
                "data": dict(e.data),
            }
            for e in events
        ]
        several = _APPENDS.get(len(values))
        if several is None:
            _APPEND.many(self._conn, values)
        else:
            several.run(self._conn, {f"{k}{i}": v for i, row in enumerate(values) for k, v in row.items()})

    def list(
        self,
        incident_id: IncidentId,
        *,
        kinds: frozenset[str] = frozenset(),
        after: int | None = None,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        query = (
            sa.select(timeline_events)
            .where(timeline_events.c.incident_id == incident_id)
            .order_by(timeline_events.c.id)
            .limit(limit)
        )
        if kinds:
            query = query.where(timeline_events.c.kind.in_(sorted(kinds)))
        if after is not None:
            query = query.where(timeline_events.c.id > after)
        return [_event(r) for r in self._conn.execute(query).mappings()]

    def page(
        self,
        incident_id: IncidentId,
        *,
        kinds: frozenset[str] = frozenset(),
        before: int | None = None,
        since: int | None = None,
        limit: int = 100,
    ) -> Sequence[StoredEvent]:
        """Newest first, on the (incident_id, id) index."""
        query = sa.select(timeline_events).where(timeline_events.c.incident_id == incident_id)
        if kinds:
            query = query.where(timeline_events.c.kind.in_(sorted(kinds)))
        if before is not None:
            query = query.where(timeline_events.c.id < before)
        if since is not None:
            query = query.where(timeline_events.c.id > since)
        query = query.order_by(timeline_events.c.id.desc()).limit(limit)
        return [_event(r) for r in self._conn.execute(query).mappings()]

    def kinds(self, incident_id: IncidentId) -> Mapping[str, int]:
        query = (
            sa.select(timeline_events.c.kind, sa.func.count())
            .where(timeline_events.c.incident_id == incident_id)
            .group_by(timeline_events.c.kind)
        )
        return {str(kind): int(n) for kind, n in self._conn.execute(query)}


def _event(r: RowMapping) -> StoredEvent:
    return StoredEvent(
        id=r["id"],
        incident_id=IncidentId(r["incident_id"]),
        kind=EventKind(r["kind"]),
        at=r["at"],
        actor=r["actor"],
        text=r["text"],
        data=dict(r["data"]),
    )
