"""Batch reads behind the compliance report: incidents of a period, then a handful of queries
for all of them at once (never one query per incident), in chunks the databases accept."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tocsin.adapters.db import rows
from tocsin.adapters.db.postmortems import decode
from tocsin.adapters.db.schema import github_issues, incidents, postmortems, timeline_events
from tocsin.domain.events import EventKind
from tocsin.domain.incident import Incident
from tocsin.domain.postmortem import PostMortem

CHUNK = 500


@dataclass(frozen=True, slots=True)
class FirstEvent:
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


class SqlComplianceReader:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def detected_between(self, start: datetime, end: datetime, *, limit: int) -> Sequence[Incident]:
        query = (
            sa.select(incidents)
            .where(incidents.c.detected_at >= start, incidents.c.detected_at < end)
            .order_by(incidents.c.detected_at, incidents.c.id)
            .limit(limit)
        )
        return [rows.to_incident(r) for r in self._conn.execute(query).mappings()]

    def first_events(
        self, incident_ids: Sequence[int], kinds: Sequence[EventKind]
    ) -> Mapping[tuple[int, EventKind], FirstEvent]:
        found: dict[tuple[int, EventKind], FirstEvent] = {}
        wanted = [k.value for k in kinds]
        for chunk in _chunks(incident_ids):
            firsts = (
                sa.select(sa.func.min(timeline_events.c.id))
                .where(timeline_events.c.incident_id.in_(chunk), timeline_events.c.kind.in_(wanted))
                .group_by(timeline_events.c.incident_id, timeline_events.c.kind)
            )
            query = sa.select(
                timeline_events.c.incident_id,
                timeline_events.c.kind,
                timeline_events.c.at,
                timeline_events.c.data,
            ).where(timeline_events.c.id.in_(firsts))
            for row in self._conn.execute(query).mappings():
                found[(row["incident_id"], EventKind(row["kind"]))] = FirstEvent(row["at"], dict(row["data"]))
        return found

    def github_linked(self, incident_ids: Sequence[int]) -> set[int]:
        linked: set[int] = set()
        for chunk in _chunks(incident_ids):
            query = sa.select(github_issues.c.incident_id).where(github_issues.c.incident_id.in_(chunk))
            linked.update(self._conn.execute(query).scalars())
        return linked

    def postmortems(self, incident_ids: Sequence[int]) -> Mapping[int, PostMortem]:
        found: dict[int, PostMortem] = {}
        for chunk in _chunks(incident_ids):
            query = sa.select(postmortems).where(postmortems.c.incident_id.in_(chunk))
            for row in self._conn.execute(query).mappings():
                found[row["incident_id"]] = decode(row)
        return found
