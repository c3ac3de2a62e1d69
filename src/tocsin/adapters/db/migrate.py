"""Run the Alembic migrations from code, with no alembic.ini in the working directory.

The scripts ship inside the package (``migrations/``). The database URL is handed to
``migrations/env.py`` through ``Config.attributes`` rather than an ini option, so a password
with ``%`` in it needs no escaping and never lands in a config file.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from tocsin.adapters.db.engine import create_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def config(url: str | None = None, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["url"] = url
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (creating a SQLite file if needed)."""
    command.upgrade(config(url), revision)


def head() -> str:
    """The newest revision these scripts know."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    if revision is None:  # pragma: no cover - there is always an initial revision
        raise RuntimeError(f"no migration found in {MIGRATIONS}")
    return revision


def current(url: str) -> str | None:
    """The revision the database is at; None for an empty (never migrated) database."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def is_current(url: str) -> bool:
    return current(url) == head()


# Search structures created by migration 0018 outside the SQLAlchemy metadata (an FTS5 table and
# its shadow tables on SQLite, trigram indexes on PostgreSQL): schema comparisons skip them.
UNMANAGED_PREFIXES = ("incidents_fts", "ix_incidents_search_")


def managed(name: str | None, _type: str, _parent_names: object) -> bool:
    """``include_name`` for Alembic comparisons: everything but the search structures."""
    return not (name or "").startswith(UNMANAGED_PREFIXES)
