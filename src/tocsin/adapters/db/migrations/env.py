"""Alembic environment: run by ``tocsin.adapters.db.migrate`` (online mode only).

The URL or an open connection comes from ``config.attributes``; batch mode is always on,
because SQLite can ALTER almost nothing in place.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.migrate import managed
from tocsin.adapters.db.schema import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=managed,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL: call tocsin.adapters.db.migrate.upgrade(url)")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run them against a database")
run_migrations_online()
