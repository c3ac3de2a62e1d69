"""The incident repository over one SQLAlchemy connection (the unit of work's; it never
commits): one incident, the list with its filters and search, the id sequence."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tocsin.adapters.db import rows
from tocsin.adapters.db.engine import is_postgresql, selective_in
from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.schema import incident_id_seq, incidents
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.errors import NotFound
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.services.ports import IncidentFilter, IncidentKey, Page

OPEN_PHASES = tuple(p.value for p in Phase if p.is_open)


@functools.cache
def _written(columns: tuple[str, ...]) -> tuple[Fast, Fast]:
    """The INSERT and the UPDATE (by ``incident_key``) of exactly these columns (those of
    ``rows.incident_values``; the others keep their defaults), built once: ``add`` and ``save``
    run for every declaration and every change."""
    binds = {name: sa.bindparam(name, type_=incidents.c[name].type) for name in columns}
    insert = incidents.insert().values(binds)
    updated = {name: bind for name, bind in binds.items() if name != "id"}
    update = incidents.update().where(incidents.c.id == sa.bindparam("incident_key")).values(updated)
    return Fast(insert), Fast(update)


_NEXT_ID = Fast(sa.select(incident_id_seq.next_value().label("next_value")))
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
            value = _NEXT_ID.rows(self._conn, {})[0]["next_value"]
        else:
            current = self._conn.execute(sa.select(sa.func.max(incidents.c.id))).scalar_one()
            value = max(current or 0, self._reserved) + 1
        self._reserved = int(value)
        return IncidentId(self._reserved)

    def add(self, incident: Incident) -> None:
        values = rows.incident_values(incident)
        _written(tuple(values))[0].run(self._conn, values)

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
        saved = _written(tuple(values))[1].run(self._conn, {**values, "incident_key": incident.id})
        if saved != 1:
            raise NotFound(f"incident {incident.id} does not exist")

    def list(self, query: IncidentFilter) -> Page[Incident]:
        """Ordered by severity (P0 first: the values sort that way), then newest detection (or,
        with ``newest_resolved``, newest resolution first).

        The page's ids are found on the index of that order alone (``ix_incidents_list_order``,
        ``ix_incidents_resolved_at``), then their rows are read by id: a deep ``offset`` walks
        index entries, not rows, and ``after`` seeks."""
        conditions: list[sa.ColumnElement[bool]] = []
        if query.open is True:
            conditions.append(selective_in(self._conn, incidents.c.phase, OPEN_PHASES))
        elif query.open is False:
            conditions.append(incidents.c.phase.not_in(OPEN_PHASES))
        if query.severity is not None:
            conditions.append(incidents.c.severity == query.severity.value)
        if query.phase is not None:
            conditions.append(incidents.c.phase == query.phase.value)
        if query.newest_resolved:
            conditions.append(incidents.c.resolved_at.is_not(None))
        counted = list(conditions)  # the same incidents, as cheapest to count
        matches: int | None = None  # how many incidents the FTS5 table matches (SQLite)
        if query.search.strip():
            words = self._matching(
                query.search.strip(), cleared=query.cleared, reach=query.offset + query.limit
            )
            conditions.append(words.walk)
            counted.append(words.count)
            matches = words.matches
        total = self._total(counted, matches, query)
        if query.newest_resolved:
            ids = self._ids(conditions, (incidents.c.resolved_at.desc(), incidents.c.id.desc()), query)
        elif query.after is not None:
            ids = self._ids_after(conditions, query.after, query)
        else:
            ids = self._ids(conditions, _LIST_ORDER, query)
        found = {
            r["id"]: rows.to_incident(r)
            for r in self._conn.execute(sa.select(incidents).where(incidents.c.id.in_(ids))).mappings()
        }
        items = [found[i] for i in ids if i in found]
        total = query.offset + len(items) if total is None else total
        return Page(items=items, total=total, limit=query.limit, offset=query.offset)

    def _ids(
        self,
        conditions: Sequence[sa.ColumnElement[bool]],
        order: Sequence[sa.ColumnElement[Any]],
        query: IncidentFilter,
        limit: int | None = None,
    ) -> Sequence[int]:
        select = (
            sa.select(incidents.c.id)
            .where(*conditions)
            .order_by(*order)
            .limit(query.limit if limit is None else limit)
            .offset(query.offset)
        )
        return tuple(int(i) for i in self._conn.execute(select).scalars())

    def _ids_after(
        self, conditions: Sequence[sa.ColumnElement[bool]], key: IncidentKey, query: IncidentFilter
    ) -> Sequence[int]:
        """After ``key`` in (severity ASC, detected_at DESC, id DESC): the rest of its severity
        (a seek on the index), then the following severities (another)."""
        same = [
            *conditions,
            incidents.c.severity == key.severity.value,
            sa.tuple_(incidents.c.detected_at, incidents.c.id)
            < sa.tuple_(sa.literal(key.detected_at, UTCDateTime()), sa.literal(key.id)),
        ]
        wanted = query.offset + query.limit
        first = replace(query, offset=0)
        ids: Sequence[int] = self._ids(same, _LIST_ORDER, first, wanted)
        if len(ids) < wanted:
            later = [*conditions, incidents.c.severity > key.severity.value]
            ids = [*ids, *self._ids(later, _LIST_ORDER, first, wanted - len(ids))]
        return ids[query.offset : wanted]

    def _total(
        self, conditions: Sequence[sa.ColumnElement[bool]], matches: int | None, query: IncidentFilter
    ) -> int | None:
        if not query.counted:
            return None
        if matches is not None and len(conditions) == 1 and query.cleared:
            return matches  # the words are the only condition: the FTS5 table counted them
        return self._count(conditions)

    def _count(self, conditions: Sequence[sa.ColumnElement[bool]]) -> int:
        select = sa.select(sa.func.count()).select_from(incidents).where(*conditions)
        return int(self._conn.execute(select).scalar_one())

    def _short_walk(self, reach: int, matches: int) -> bool:
        """Whether about ``reach`` matches are found within ``SHORT_WALK`` rows of the list."""
        everything = self._conn.execute(sa.select(sa.func.max(incidents.c.id))).scalar_one() or 0
        return reach * everything <= SHORT_WALK * matches

    def _has_fts(self) -> bool:
        """Whether migration 0018 could create the FTS5 table (SQLite 3.34+)."""
        query = sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incidents_fts'")
        return self._conn.execute(query).first() is not None

    def _matching(self, search: str, *, cleared: bool, reach: int = 0) -> _Words:
        """``#12`` or ``12``: that incident; otherwise the text anywhere in the title or summary,
        case-insensitive (never in a restricted incident's words for a reader without
        clearance). On SQLite through the FTS5 trigram table, on PostgreSQL on the trigram
        indexes (migration 0018); texts under three characters scan.

        Also, on SQLite, how many incidents the FTS5 table matches (counted there first, a
        few milliseconds): a broad match set (thousands of incidents) is not looked up by id and
        sorted whole, but the list's order is walked on its index, each incident tested against
        the set, and the walk stops when the page is full; a narrow one is looked up by id. When
        the walk to the end of the page (``reach`` incidents found) is short — about
        ``reach × incidents / matches`` rows — each row's words are tested as they come, the set
        not even built (ASCII text only, where LIKE's case folding is FTS5's); counting them
        still goes through the set."""
        number = search.removeprefix("#")
        if number.isdigit() and len(number) < 10:
            same = incidents.c.id == int(number)
            return _Words(same, same)
        words: sa.ColumnElement[bool]
        walk: sa.ColumnElement[bool] | None = None
        matches: int | None = None
        if self._conn.dialect.name == "sqlite" and len(search) >= TRIGRAM and self._has_fts():
            phrase = '"' + search.replace('"', '""') + '"'
            matched: sa.Select[tuple[Any]] = (
                sa.select(sa.column("rowid"))
                .select_from(sa.table("incidents_fts"))
                .where(sa.text("incidents_fts MATCH :fts_phrase").bindparams(fts_phrase=phrase))
            )
            counted = sa.text("SELECT count(*) FROM incidents_fts WHERE incidents_fts MATCH :fts_phrase")
            matches = int(self._conn.execute(counted, {"fts_phrase": phrase}).scalar_one())
            # ``+id`` (no index on it) when the set is broad: SQLite then picks the order's index
            id_term = incidents.c.id if matches <= BROAD_MATCHES else sa.literal_column("+incidents.id")
            words = id_term.in_(matched)
            if matches > BROAD_MATCHES and search.isascii() and self._short_walk(reach, matches):
                walk = sa.or_(
                    incidents.c.title.icontains(search, autoescape=True),
                    incidents.c.summary.icontains(search, autoescape=True),
                )
        elif is_postgresql(self._conn):  # the pattern a constant, so the trigram indexes serve it
            pattern = "%" + _escape_like(search.lower()) + "%"
            words = sa.or_(
                sa.func.lower(incidents.c.title).like(pattern, escape="/"),
                sa.func.lower(incidents.c.summary).like(pattern, escape="/"),
            )
        else:
            words = sa.or_(
                incidents.c.title.icontains(search, autoescape=True),
                incidents.c.summary.icontains(search, autoescape=True),
            )
        if not cleared:
            words = sa.and_(incidents.c.security.is_(False), words)
            walk = None if walk is None else sa.and_(incidents.c.security.is_(False), walk)
        return _Words(words if walk is None else walk, words, matches)


@dataclass(frozen=True, slots=True)
class _Words:
    """A search's condition: to walk the list with, to count with (the same incidents), and
    how many the FTS5 table matched (SQLite)."""

    walk: sa.ColumnElement[bool]
    count: sa.ColumnElement[bool]
    matches: int | None = None


TRIGRAM = 3
BROAD_MATCHES = 2000  # FTS5 matches above which a search walks the list's order (see _matching)
SHORT_WALK = 5000  # rows of the list's order a search tests one by one rather than build the set
_LIST_ORDER = (incidents.c.severity, incidents.c.detected_at.desc(), incidents.c.id.desc())


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")
