"""Outbound sends in flight, so a send that may have reached its provider before a crash is
looked up or marked as a possible repeat instead of silently sent twice.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbound_sends",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_outbound_sends"),
    )


def downgrade() -> None:
    op.drop_table("outbound_sends")
