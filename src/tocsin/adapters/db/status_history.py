"""The components' status history as the status page reads it (uptime over 90 days, first
changes): seeks on the (component, at) index and a per-process cache of the rows last read."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import status_component_history
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.statuspage import ComponentStatus
from tocsin.services.statuspage.ports import StatusChange

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


class SqlComponentHistory:
    """The history's reads over the unit of work's connection (mixed into the status page's
    repository)."""

    _conn: Connection

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
