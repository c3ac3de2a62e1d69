"""Alerts, alert groups and intake sources.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SEVERITY_CHECK = "IN ('P0', 'P1', 'P2', 'P3')"


def _incident_group() -> None:
    # A plain ADD COLUMN: SQLite does it in place, no table rebuild (and no FK trouble).
    op.add_column("incidents", sa.Column("alert_group", sa.String(64)))
    open_group = sa.text("alert_group IS NOT NULL AND phase IN ('detection', 'triage', 'resolution')")
    op.create_index(
        "uq_incidents_open_alert_group",
        "incidents",
        ["alert_group"],
        unique=True,
        sqlite_where=open_group,
        postgresql_where=open_group,
    )
    op.create_index("ix_incidents_alert_group", "incidents", ["alert_group"])


def _alert_groups() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("group_key", sa.Text, nullable=False),
        sa.Column("alert_severity", sa.String(2), nullable=False),
        sa.Column("human_severity", sa.Boolean, nullable=False),
        sa.Column("truncated_alerts", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_alert_groups"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_alert_groups_incident_id_incidents"
        ),
        sa.CheckConstraint(f"alert_severity {SEVERITY_CHECK}", name=op.f("ck_alert_groups_alert_severity")),
    )


def _alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("labels", JSON, nullable=False),
        sa.Column("annotations", JSON, nullable=False),
        sa.Column("starts_at", UTCDateTime, nullable=False),
        sa.Column("ends_at", UTCDateTime),
        sa.Column("generator_url", sa.Text, nullable=False),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name="fk_alerts_incident_id_incidents"),
        sa.UniqueConstraint("incident_id", "fingerprint", name="uq_alerts_incident_id_fingerprint"),
        sa.CheckConstraint("status IN ('firing', 'resolved')", name=op.f("ck_alerts_status")),
        sa.CheckConstraint(f"severity {SEVERITY_CHECK}", name=op.f("ck_alerts_severity")),
    )


def upgrade() -> None:
    _incident_group()
    _alert_groups()
    _alerts()


def downgrade() -> None:
    op.drop_table("alerts")
    op.drop_table("alert_groups")
    op.drop_index("ix_incidents_alert_group", table_name="incidents")
    op.drop_index("uq_incidents_open_alert_group", table_name="incidents")
    # SQLite >= 3.35 and PostgreSQL both drop a column in place.
    op.execute("ALTER TABLE incidents DROP COLUMN alert_group")
