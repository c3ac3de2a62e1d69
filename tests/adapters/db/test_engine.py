import sqlite3

import pytest
import sqlalchemy as sa

from tocsin import bootstrap
from tocsin.adapters.db import engine as engine_module
from tocsin.adapters.db.engine import create_engine
from tocsin.config import Settings


@pytest.fixture
def engine(db_url):
    engine = create_engine(db_url)
    yield engine
    engine.dispose()


def pragma(engine, name):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_is_tuned_for_one_writer_and_many_readers(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/t.db")
    try:
        assert pragma(engine, "journal_mode") == "wal"
        assert pragma(engine, "foreign_keys") == 1
        assert pragma(engine, "busy_timeout") == 10_000
        assert pragma(engine, "synchronous") == 1  # NORMAL
    finally:
        engine.dispose()


def test_sqlite_creates_the_missing_parent_directory(tmp_path):
    path = tmp_path / "deep" / "er" / "tocsin.db"
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    finally:
        engine.dispose()
    assert path.exists()


def test_sqlite_transactions_take_the_write_lock_up_front(tmp_path):
    """Even a transaction that has only read holds the write lock (BEGIN IMMEDIATE)."""
    path = tmp_path / "t.db"
    engine = create_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
            assert conn.in_transaction()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at the end of the transaction
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()


def test_sqlite_rollback_and_savepoints_work_with_manual_begin(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/t.db")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with engine.connect() as conn:
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            with conn.begin_nested() as savepoint:
                conn.exec_driver_sql("INSERT INTO t VALUES (2)")
                savepoint.rollback()
            conn.commit()
            conn.exec_driver_sql("INSERT INTO t VALUES (3)")
            conn.rollback()
            assert conn.exec_driver_sql("SELECT x FROM t").scalars().all() == [1]
    finally:
        engine.dispose()


def test_the_foreign_keys_are_enforced(engine):
    with engine.connect() as conn, pytest.raises(sa.exc.IntegrityError):
        conn.exec_driver_sql(
            "INSERT INTO timeline_events (incident_id, kind, at, actor, text, data)"
            " VALUES (999, 'note', '2026-11-27 10:00:00', 'a', 't', '{}')"
        )


def test_each_backend_uses_its_driver(db_url, engine):
    expected = "psycopg" if db_url.startswith("postgresql+psycopg://") else "pysqlite"
    assert engine.dialect.driver == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://u@h/db"])
def test_unsupported_databases_are_refused_with_a_hint(url):
    with pytest.raises(ValueError, match="use sqlite:///PATH or postgresql"):
        create_engine(url)


def test_database_echo_reaches_the_engine(db_url):
    settings = Settings.model_validate({"database": {"url": db_url, "echo": True}})
    container = bootstrap.build(settings)
    try:
        assert container.engine.echo is True
    finally:
        container.close()


def test_a_pooled_connection_the_server_cut_is_replaced_at_checkout(db_url, engine, monkeypatch):
    """A restarted server or a firewall's idle cut: the next checkout of a connection that sat in
    the pool gets a live one, not an error."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL connections can be cut by the server")
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # every checkout counts as idle
    with engine.connect() as conn:
        cut = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({cut})").scalar_one()
    finally:
        admin.dispose()
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != cut
