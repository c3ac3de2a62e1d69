"""Hot statements straight on the driver's cursor, inside the unit of work's transaction.

Alert intake runs a handful of small statements per webhook; SQLAlchemy's execution machinery
(execution context, cache key, result metadata) costs several times what SQLite needs to run
them. ``Fast`` keeps what matters from SQLAlchemy — the columns' own types convert values on
the way in and out (``TypeEngine.bind_processor`` / ``result_processor``, so a value written
here reads back through Core exactly the same, and the other way round) and driver errors
come out as SQLAlchemy's ``DBAPIError`` subclasses (so "database is locked" is still a 503
and a unique violation still an ``IntegrityError``) — and skips the rest.

Statements are SQLAlchemy Core statements, compiled once per dialect (so the SQL is the
same Core would send, ``FOR UPDATE OF`` and all); they must not use expanding ``IN``
parameters (build one statement per list length instead, see ``in_list``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from tocsin.adapters.db.types import UTCDateTime

Converter = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    order: tuple[str, ...] | None  # positional drivers: parameter names in placeholder order
    defaults: Mapping[str, Any]  # literals of the statement (rendered as parameters too)
    binds: tuple[tuple[str, Converter], ...]  # only the parameters whose type converts
    results: tuple[tuple[str, Converter], ...]  # only the result columns whose type converts


class Fast:
    """One Core statement, run on the driver's cursor."""

    def __init__(self, statement: sa.Select[Any] | sa.Insert | sa.Update) -> None:
        self._statement = statement
        self._prepared: dict[str, _Prepared] = {}
        # result column names by dialect: the same for every run of the statement, and psycopg
        # builds a Column object per column each time ``description`` is read
        self._names: dict[str, list[str]] = {}

    def _prepare(self, dialect: Dialect) -> _Prepared:
        prepared = self._prepared.get(dialect.name)
        if prepared is not None:
            return prepared
        compiled = self._statement.compile(dialect=dialect)
        binds = compiled.binds
        selected = getattr(self._statement, "selected_columns", ())
        to_db = ((name, _bind_processor(b.type, dialect)) for name, b in binds.items())
        from_db = ((c.key, c.type.dialect_impl(dialect).result_processor(dialect, None)) for c in selected)
        prepared = _Prepared(
            compiled.string,
            tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None,
            {name: b.value for name, b in binds.items()},
            tuple((name, p) for name, p in to_db if p is not None),
            tuple((name, p) for name, p in from_db if p is not None),
        )
        self._prepared[dialect.name] = prepared
        return prepared

    @staticmethod
    def _params(prepared: _Prepared, values: Mapping[str, Any]) -> Sequence[Any] | Mapping[str, Any]:
        converted = {**prepared.defaults, **values}
        for name, process in prepared.binds:
            value = converted[name]
            if value is not None:
                converted[name] = process(value)
        if prepared.order is None:
            return converted
        return [converted[name] for name in prepared.order]

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Run a query; its rows as dicts, converted like Core would."""
        names, raw = self.raw(conn, values)
        return [self.convert(conn.dialect, names, row) for row in raw]

    def raw(self, conn: Connection, values: Mapping[str, Any]) -> tuple[list[str], list[Any]]:
        """Run a query; its column names and its rows as the driver returns them (see
        ``convert``)."""
        prepared = self._prepare(conn.dialect)
        params = self._params(prepared, values)
        cursor = _cursor(conn)
        try:
            cursor.execute(prepared.sql, params)
            names = self._names.get(conn.dialect.name)
            if names is None:
                names = self._names[conn.dialect.name] = [d[0] for d in cursor.description]
            raw = cursor.fetchall()
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, prepared.sql, params, exc) from exc
        finally:
            cursor.close()
        return names, raw

    def convert(self, dialect: Dialect, names: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
        """One driver row as a dict, converted like Core would."""
        record = dict(zip(names, row, strict=True))
        for name, process in self._prepare(dialect).results:
            value = record[name]
            if value is not None:
                record[name] = process(value)
        return record

    def run(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Run a write once; the number of rows it touched."""
        prepared = self._prepare(conn.dialect)
        params = self._params(prepared, values)
        cursor = _cursor(conn)
        try:
            cursor.execute(prepared.sql, params)
            return int(cursor.rowcount)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, prepared.sql, params, exc) from exc
        finally:
            cursor.close()

    def many(self, conn: Connection, values: Iterable[Mapping[str, Any]]) -> None:
        """Run a write once per parameter set (``executemany``)."""
        prepared = self._prepare(conn.dialect)
        params = [self._params(prepared, v) for v in values]
        if not params:
            return
        cursor = _cursor(conn)
        try:
            if len(params) == 1:  # psycopg's executemany enters pipeline mode: one more sync for one row
                cursor.execute(prepared.sql, params[0])
            else:
                cursor.executemany(prepared.sql, params)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(conn, prepared.sql, params, exc) from exc
        finally:
            cursor.close()


# The last datetime bound and its text: a notification binds the same ``at`` several times per
# alert (first seen, last seen, its timeline line). One tuple, replaced whole (thread-safe).
_last_bound: list[tuple[datetime | None, str]] = [(None, "")]


def _sqlite_utc(value: datetime) -> str:
    """``UTCDateTime`` then SQLite's ``DATETIME`` on the way in, in one step: the same text
    (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC, no offset), the same refusal of a naive value."""
    last = _last_bound[0]
    if last[0] is value:  # the same (immutable) object as the last one: the same text
        return last[1]
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware UTC datetime")
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    _last_bound[0] = (value, text)
    return text


def _bind_processor(column_type: sa.types.TypeEngine[Any], dialect: Dialect) -> Converter | None:
    if isinstance(column_type, UTCDateTime) and dialect.name == "sqlite":
        return _sqlite_utc  # several per alert written: the composed processors cost 3x this
    return column_type.dialect_impl(dialect).bind_processor(dialect)


def _cursor(conn: Connection) -> Any:
    if not conn.in_transaction():
        conn.begin()  # through SQLAlchemy, so that SQLite's BEGIN IMMEDIATE hook runs
    return conn.connection.cursor()


def _wrapped(conn: Connection, sql: str, params: Any, exc: Exception) -> Exception:
    return sa.exc.DBAPIError.instance(sql, params, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect)


def in_list(prefix: str, count: int) -> list[sa.BindParameter[Any]]:
    """``count`` parameters ``<prefix>0``, ``<prefix>1``… for an IN list."""
    return [sa.bindparam(f"{prefix}{i}") for i in range(count)]
