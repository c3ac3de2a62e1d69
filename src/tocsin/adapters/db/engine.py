"""The SQLAlchemy engine for SQLite or PostgreSQL, configured for tocsin's write pattern.

SQLite: WAL (readers never block the writer), ``synchronous=NORMAL`` (durable at checkpoint,
never corrupt), foreign keys on, a 10 s busy timeout, and every transaction starts with
``BEGIN IMMEDIATE`` (except read-only units of work, which begin deferred): the write lock is
taken up front, so two writers queue on the busy timeout instead of deadlocking on a
read-to-write upgrade. That also serialises id allocation and job
claims on SQLite (see ``IncidentRepository.next_id`` and ``JobStore.claim``).

PostgreSQL: ``postgresql+psycopg://`` (psycopg 3), READ COMMITTED, row locks for the rest.
Read-only units of work run in autocommit (see ``read_only``): under READ COMMITTED every
statement takes its own snapshot inside a transaction as well, so ``BEGIN`` and ``ROLLBACK``
were two round trips that bought nothing (and psycopg drops its prepared statements on every
``ROLLBACK``). A pooled connection is pinged only when it has been idle for
``PING_AFTER_IDLE_SECONDS`` (a restarted server, a firewall's idle cut): one sitting in the
pool for milliseconds between two requests is not worth a round trip.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine, make_url

BUSY_TIMEOUT_SECONDS = 10.0
CONNECT_TIMEOUT_SECONDS = 5
# The web app runs sync endpoints in anyio's 40-thread pool: keep one pooled connection per
# endpoint thread. With fewer (it was 10 + 40 overflow), every request beyond the 10th
# concurrent one opened a connection (on SQLite with its four PRAGMAs) and closed it after use.
# Connections are opened on demand, so an idle server holds only what it has needed at once.
ENDPOINT_THREADS = 40
POOL: dict[str, Any] = {"pool_size": ENDPOINT_THREADS, "max_overflow": 10, "pool_timeout": 10}
PING_AFTER_IDLE_SECONDS = 2.0
_RETURNED_AT = "tocsin_returned_at"


def create_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; the parent directory of a SQLite file is created if missing."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, echo=echo)
    if backend == "postgresql":
        engine = sa.create_engine(
            url, echo=echo, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS}, **POOL
        )
        event.listen(engine, "checkin", _on_checkin)
        event.listen(engine, "checkout", _ping_if_idle)
        return engine
    raise ValueError(
        f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
        "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
    )


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        echo=echo,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        **POOL,
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself: pysqlite's implicit BEGIN is DEFERRED.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
    finally:
        cursor.close()


def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """``pool_pre_ping``, for connections idle long enough to have been cut: a dead one is
    discarded and the pool checks out (or opens) another (``DisconnectionError``)."""
    returned_at = record.info.get(_RETURNED_AT)
    if returned_at is None or time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS:
        return  # just opened, or back in the pool only a moment ago
    autocommit = dbapi_connection.autocommit
    try:
        dbapi_connection.autocommit = True  # no BEGIN/ROLLBACK around the ping
        try:
            dbapi_connection.execute("SELECT 1")
        finally:
            if not dbapi_connection.closed:
                dbapi_connection.autocommit = autocommit
    except Exception as error:  # whatever the driver says, the connection is unusable
        raise exc.DisconnectionError(f"stale pooled connection: {error}") from error


READ_ONLY = "tocsin_read_only"


def _on_sqlite_begin(connection: Connection) -> None:
    # A read-only unit of work begins DEFERRED: WAL readers then never wait for the writer.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def is_postgresql(connection: Connection | Engine) -> bool:
    return connection.dialect.name == "postgresql"


def read_connection(engine: Engine) -> Connection:
    """A connection for queries only: on SQLite its transactions begin deferred, so a reader
    (a metrics scrape, a queue gauge) never takes or waits for the write lock."""
    conn = engine.connect()
    conn.execution_options(**{READ_ONLY: True})
    return conn


def selective_in(
    connection: Connection, column: sa.Column[Any], values: Sequence[str]
) -> sa.ColumnElement[bool]:
    """``column IN values``, marked on SQLite as true for few rows (``likelihood``), for terms
    such as "open": a handful of incidents among many, which SQLite's statistics (distinct
    values only) cannot tell, so that it seeks on the phase index instead of walking the list's
    order. PostgreSQL's statistics know the skew: it gets the plain condition. ``values`` are
    the schema's own constants (identifiers), written into the SQL."""
    if connection.dialect.name != "sqlite":
        return column.in_(values)
    if not all(value.isidentifier() for value in values):
        raise ValueError(f"not constants of the schema: {values!r}")
    listed = ", ".join(f"'{value}'" for value in values)
    hinted = sa.text(f"likelihood({column.table.name}.{column.name} IN ({listed}), 0.001)")
    return cast("sa.ColumnElement[bool]", hinted)  # a WHERE term, as text: typed as the IN it stands for
