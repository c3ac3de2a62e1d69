"""Reads on a big history: indexes that match the sort orders (the incident list's mixed
ASC/DESC order, the newest resolved, an incident's alerts), an index for counting timeline
events by kind, and full-text search over incident titles and summaries.

Search: on SQLite an FTS5 table with the trigram tokenizer (any substring of three characters
or more, case-insensitive), kept in sync with ``incidents`` by triggers; on PostgreSQL GIN
trigram indexes (``pg_trgm``) on ``lower(title)`` and ``lower(summary)``, when the extension can
be created (otherwise searches scan, as before; likewise on a SQLite without FTS5's
trigram tokenizer, before 3.34). Neither is in the SQLAlchemy metadata:
``tocsin.adapters.db.migrate.managed`` keeps them out of schema comparisons.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE incidents_fts USING fts5(title, summary, content='incidents', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN "
    "INSERT INTO incidents_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN "
    "INSERT INTO incidents_fts(incidents_fts, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); END",
    "CREATE TRIGGER incidents_fts_update AFTER UPDATE OF title, summary ON incidents "
    "WHEN old.title IS NOT new.title OR old.summary IS NOT new.summary BEGIN "
    "INSERT INTO incidents_fts(incidents_fts, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO incidents_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary); END",
    "INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild')",
)
PG_TRGM = (
    "CREATE INDEX ix_incidents_search_title ON incidents USING gin (lower(title) gin_trgm_ops)",
    "CREATE INDEX ix_incidents_search_summary ON incidents USING gin (lower(summary) gin_trgm_ops)",
)


def upgrade() -> None:
    op.create_index(
        "ix_incidents_list_order",
        "incidents",
        ["severity", sa.text("detected_at DESC"), sa.text("id DESC")],
    )
    op.create_index("ix_incidents_resolved_at", "incidents", ["resolved_at"])
    op.create_index("ix_timeline_events_kind", "timeline_events", ["kind"])
    op.create_index("ix_timeline_events_incident_kind", "timeline_events", ["incident_id", "kind", "id"])
    op.create_index("ix_alerts_list_order", "alerts", ["incident_id", "status", "first_seen_at", "id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and _fts5_trigram(bind):
        for statement in SQLITE_FTS:
            bind.exec_driver_sql(statement)
    elif bind.dialect.name == "postgresql" and _trgm(bind):
        for statement in PG_TRGM:
            bind.exec_driver_sql(statement)


def _fts5_trigram(bind: sa.Connection) -> bool:
    """Whether this SQLite has FTS5 and its trigram tokenizer (3.34+); searches scan otherwise."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.fts_probe USING fts5(x, tokenize='trigram')")
            bind.exec_driver_sql("DROP TABLE temp.fts_probe")
    except sa.exc.DBAPIError:
        return False
    return True


def _trgm(bind: sa.Connection) -> bool:
    """Whether ``pg_trgm`` is there or could be created (a savepoint keeps a refusal harmless)."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS incidents_fts_{name}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS incidents_fts")
    elif bind.dialect.name == "postgresql":
        for name in ("title", "summary"):
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS ix_incidents_search_{name}")
    op.drop_index("ix_alerts_list_order", table_name="alerts")
    op.drop_index("ix_timeline_events_incident_kind", table_name="timeline_events")
    op.drop_index("ix_timeline_events_kind", table_name="timeline_events")
    op.drop_index("ix_incidents_resolved_at", table_name="incidents")
    op.drop_index("ix_incidents_list_order", table_name="incidents")
