"""Drills: an incident run by ``tocsin drill`` carries ``drill`` (false for every other one).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN with a default: in place on SQLite and PostgreSQL, existing rows false.
    op.add_column("incidents", sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # SQLite >= 3.35 and PostgreSQL both drop a column in place.
    op.execute("ALTER TABLE incidents DROP COLUMN drill")
