"""GitHub issues, comment batches and webhook deliveries.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "github_issues",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("repository", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("synced_event_id", sa.BigInteger, nullable=False),
        sa.Column("synced_at", UTCDateTime),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_github_issues"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_github_issues_incident_id_incidents"
        ),
        sa.UniqueConstraint("repository", "number", name="uq_github_issues_repository_number"),
    )
    op.create_table(
        "github_deliveries",
        sa.Column("delivery_id", sa.String(100), primary_key=True),
        sa.Column("event", sa.String(50), nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", name="pk_github_deliveries"),
    )


def downgrade() -> None:
    op.drop_table("github_deliveries")
    op.drop_table("github_issues")
