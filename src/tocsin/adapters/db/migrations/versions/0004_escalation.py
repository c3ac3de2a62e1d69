"""Escalation state, notifications and deliveries.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _escalations() -> None:
    op.create_table(
        "escalations",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("policy", JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("batch", sa.Integer, nullable=False),
        sa.Column("notified", JSON, nullable=False),
        sa.Column("last_step_at", UTCDateTime),
        sa.Column("next_step_at", UTCDateTime),
        sa.Column("stop_reason", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_escalations"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_escalations_incident_id_incidents"
        ),
        sa.CheckConstraint("status IN ('active', 'stopped')", name=op.f("ck_escalations_status")),
        sa.CheckConstraint("severity IN ('P0', 'P1', 'P2', 'P3')", name=op.f("ck_escalations_severity")),
    )


def _deliveries() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(8), nullable=False),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("reference", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("idempotency_key", name="uq_deliveries_idempotency_key"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_deliveries_incident_id_incidents"
        ),
    )
    op.create_index("ix_deliveries_incident_id_id", "deliveries", ["incident_id", "id"])


def _calendar_feeds() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_feeds"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feeds_token_hash"),
        sa.CheckConstraint("kind IN ('schedule', 'person')", name=op.f("ck_calendar_feeds_kind")),
    )


def upgrade() -> None:
    _escalations()
    _deliveries()
    _calendar_feeds()


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_index("ix_deliveries_incident_id_id", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("escalations")
