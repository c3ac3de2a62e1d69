"""Slack messages, channels and user mapping.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "slack_messages",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("channel", sa.String(80), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("posted_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_slack_messages"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_slack_messages_incident_id_incidents"
        ),
    )
    op.create_table(
        "slack_channels",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("channel", sa.String(80), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("summary_ts", sa.String(40), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("archived_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("incident_id", name="pk_slack_channels"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_slack_channels_incident_id_incidents"
        ),
    )


def downgrade() -> None:
    op.drop_table("slack_channels")
    op.drop_table("slack_messages")
