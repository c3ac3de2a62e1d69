"""``IncidentFigures`` on the schema: the aggregate queries behind ``/metrics`` (read-only, one
short transaction each, never SQLite's write lock; the breaches are counted on
``ix_timeline_events_kind``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tocsin.adapters.db.engine import read_connection, selective_in
from tocsin.adapters.db.repositories import OPEN_PHASES
from tocsin.adapters.db.schema import incidents, timeline_events
from tocsin.domain.events import EventKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents.figures import Durations, IncidentCounts

_ENDS = {"acknowledged": incidents.c.acknowledged_at, "resolved": incidents.c.resolved_at}


class SqlIncidentFigures:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def counts(self) -> IncidentCounts:
        """Open incidents per severity and the response-time breaches recorded (one
        ``sla_breached`` timeline event each)."""
        breaches = sa.select(sa.func.count()).where(timeline_events.c.kind == EventKind.SLA_BREACHED.value)
        with read_connection(self._engine) as conn:  # read-only: never SQLite's write lock
            by_severity = (
                sa.select(incidents.c.severity, sa.func.count())
                .where(selective_in(conn, incidents.c.phase, OPEN_PHASES))
                .group_by(incidents.c.severity)
            )
            counts = {str(severity): int(n) for severity, n in conn.execute(by_severity)}
            breached = int(conn.execute(breaches).scalar_one())
        return IncidentCounts({s: counts.get(s.value, 0) for s in Severity}, breached)

    def durations(
        self, end: Literal["acknowledged", "resolved"], bounds: Sequence[float]
    ) -> Mapping[Severity, Durations]:
        """Bucketed in the database: one query whatever the history's size."""
        column = _ENDS[end]
        seconds = _seconds_between(self._engine, incidents.c.detected_at, column)
        columns = [sa.func.sum(sa.case((seconds <= b, 1), else_=0)) for b in bounds]
        query = (
            sa.select(incidents.c.severity, sa.func.count(), sa.func.sum(seconds), *columns)
            .where(column.is_not(None))
            .group_by(incidents.c.severity)
        )
        with read_connection(self._engine) as conn:
            found = {str(row[0]): row[1:] for row in conn.execute(query)}
        figures = {}
        for severity in Severity:
            count, total, *cumulative = found.get(severity.value, (0, 0.0, *([0] * len(bounds))))
            figures[severity] = Durations(int(count), float(total or 0.0), [int(c or 0) for c in cumulative])
        return figures


def _seconds_between(engine: Engine, start: sa.ColumnElement[Any], end: sa.ColumnElement[Any]) -> Any:
    if engine.dialect.name == "sqlite":  # UTC text without offset: julian days
        return sa.func.round((sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0, 3)
    return sa.func.extract("epoch", end - start)
