"""A throwaway database for one benchmark run: a SQLite file in a temporary folder, or a
PostgreSQL database of its own (dropped afterwards) next to ``admin_url``'s; ``None`` when
PostgreSQL does not answer. Imported by the benchmark scripts run as ``python bench/…``."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

ADMIN_URL = os.environ.get("TOCSIN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_database(backend: str, prefix: str, admin_url: str = ADMIN_URL) -> Iterator[str | None]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError:
        admin.dispose()
        yield None
        return
    name = f"{prefix.replace('-', '_')}_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
