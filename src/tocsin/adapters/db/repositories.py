"""Incident, timeline and token repositories over one SQLAlchemy connection (the unit of
work's); none of them commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tocsin.adapters.db import rows
from tocsin.adapters.db.engine import is_postgresql
from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import api_tokens, incident_id_seq, incidents, timeline_events
from tocsin.domain.access import ApiToken, Role
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.services.ports import IncidentFilter, Page, StoredEvent

OPEN_PHASES = tuple(p.value for p in Phase if p.is_open)


# Built once (``save`` runs for every change): SET takes the columns named in the parameters.
_SAVE = incidents.update().where(incidents.c.id == sa.bindparam("incident_key"))
_ADD = incidents.insert()  # built once: the compiled form is cached (``.values(dict)`` is not)
# Every read of one incident (API, pages, each change): on the driver's cursor (see ``fast``).
_GET = Fast(sa.select(incidents).where(incidents.c.id == sa.bindparam("incident_key")))
_GET_FOR_UPDATE = Fast(
    sa.select(incidents).where(incidents.c.id == sa.bindparam("incident_key")).with_for_update()
)


class SqlIncidentRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection
        self._reserved = 0

    def next_id(self) -> IncidentId:
        """Reserve the next incident id.

        PostgreSQL: ``nextval`` of ``incident_id_seq``, which never hands the same value out
        twice whatever the concurrency (a rolled-back declaration leaves a gap, which is fine).

        SQLite: ``max(id) + 1``. That is safe because every transaction began with ``BEGIN
        IMMEDIATE`` and therefore holds the database's only write lock from its first statement
        to its commit: no other writer can read the same maximum before this one has inserted
        and committed. Incidents are never deleted, so ids are never reused. ``_reserved``
        keeps two reservations within one transaction distinct.
        """
        if is_postgresql(self._conn):
            value = self._conn.execute(sa.select(incident_id_seq.next_value())).scalar_one()
        else:
            current = self._conn.execute(sa.select(sa.func.max(incidents.c.id))).scalar_one()
            value = max(current or 0, self._reserved) + 1
        self._reserved = int(value)
        return IncidentId(self._reserved)

    def add(self, incident: Incident) -> None:
        self._conn.execute(_ADD, rows.incident_values(incident))

    def get(self, incident_id: IncidentId, *, for_update: bool = False) -> Incident:
        """``for_update`` is ``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers are
        serialised by ``BEGIN IMMEDIATE`` already (and SQLAlchemy renders no clause there)."""
        found = (_GET_FOR_UPDATE if for_update else _GET).rows(self._conn, {"incident_key": incident_id})
        if not found:
            raise NotFound(f"incident {incident_id} does not exist")
        return rows.to_incident(found[0])

    def save(self, incident: Incident) -> None:
        if incident.redacted:
            raise ValueError(f"incident {incident.id}: a redacted view is never saved")
        values = rows.incident_values(incident)
        del values["id"]
        result = self._conn.execute(_SAVE, {**values, "incident_key": incident.id})
        if result.rowcount != 1:
            raise NotFound(f"incident {incident.id} does not exist")

    def list(self, query: IncidentFilter) -> Page[Incident]:
        """Ordered by severity (P0 first: the values sort that way), then newest detection."""
        conditions: list[sa.ColumnElement[bool]] = []
        if query.open is True:
            conditions.append(incidents.c.phase.in_(OPEN_PHASES))
        elif query.open is False:
            conditions.append(incidents.c.phase.not_in(OPEN_PHASES))
        if query.severity is not None:
            conditions.append(incidents.c.severity == query.severity.value)
        if query.phase is not None:
            conditions.append(incidents.c.phase == query.phase.value)
        if query.search.strip():
            conditions.append(_matching(query.search.strip(), cleared=query.cleared))
        total = self._conn.execute(
            sa.select(sa.func.count()).select_from(incidents).where(*conditions)
        ).scalar_one()
        page = (
            sa.select(incidents)
            .where(*conditions)
            .order_by(incidents.c.severity, incidents.c.detected_at.desc(), incidents.c.id.desc())
            .limit(query.limit)
            .offset(query.offset)
        )
        items = [rows.to_incident(r) for r in self._conn.execute(page).mappings()]
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)


def _matching(search: str, *, cleared: bool) -> sa.ColumnElement[bool]:
    """``#12`` or ``12``: that incident; otherwise the text anywhere in the title or summary
    (never in a restricted incident's words for a reader without clearance)."""
    number = search.removeprefix("#")
    if number.isdigit() and len(number) < 10:
        return incidents.c.id == int(number)
    words = sa.or_(
        incidents.c.title.icontains(search, autoescape=True),
        incidents.c.summary.icontains(search, autoescape=True),
    )
    return words if cleared else sa.and_(incidents.c.security.is_(False), words)


_APPEND = Fast(  # on the intake's hot path: on the driver's cursor (see ``fast``)
    timeline_events.insert().values(
        {c.name: sa.bindparam(c.name, type_=c.type) for c in timeline_events.c if c.name != "id"}
    )
)


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
        _APPEND.many(self._conn, values)

    def list(self, incident_id: IncidentId) -> Sequence[StoredEvent]:
        query = (
            sa.select(timeline_events)
            .where(timeline_events.c.incident_id == incident_id)
            .order_by(timeline_events.c.id)
        )
        return [
            StoredEvent(
                id=r["id"],
                incident_id=IncidentId(r["incident_id"]),
                kind=EventKind(r["kind"]),
                at=r["at"],
                actor=r["actor"],
                text=r["text"],
                data=dict(r["data"]),
            )
            for r in self._conn.execute(query).mappings()
        ]


class SqlTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, name: str, role: Role, secret_hash: str, at: datetime) -> ApiToken:
        """The insert runs in a savepoint, so a duplicate leaves the unit of work usable."""
        insert = (
            api_tokens.insert()
            .values(name=name, role=role.value, secret_hash=secret_hash, created_at=at)
            .returning(*api_tokens.c)
        )
        try:
            with self._conn.begin_nested():
                row = self._conn.execute(insert).mappings().one()
        except IntegrityError:
            raise Conflict(f"an active token named {name!r} already exists") from None
        return rows.to_token(row)

    def find_active(self, secret_hash: str) -> ApiToken | None:
        query = sa.select(api_tokens).where(
            api_tokens.c.secret_hash == secret_hash, api_tokens.c.revoked_at.is_(None)
        )
        row = self._conn.execute(query).mappings().one_or_none()
        return rows.to_token(row) if row else None

    def revoke(self, name: str, at: datetime) -> ApiToken:
        update = (
            api_tokens.update()
            .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(*api_tokens.c)
        )
        row = self._conn.execute(update).mappings().one_or_none()
        if row is None:
            raise NotFound(f"no active token named {name!r}")
        return rows.to_token(row)

    def list(self) -> Sequence[ApiToken]:
        query = sa.select(api_tokens).order_by(api_tokens.c.created_at, api_tokens.c.id)
        return [rows.to_token(r) for r in self._conn.execute(query).mappings()]

    def touch(self, token_id: int, at: datetime) -> None:
        self._conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=at))
