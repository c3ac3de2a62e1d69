"""Deploys (service, version, environment, when), for deploy correlation and the fix trail.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, bigint_pk

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deploys",
        sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("version", sa.String(200), nullable=False),
        sa.Column("environment", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(200)),  # e.g. a GitHub deployment status id; NULL: none
        sa.Column("deployed_at", UTCDateTime, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deploys"),
        sa.UniqueConstraint("source", "external_id", name="uq_deploys_source_external_id"),
    )
    op.create_index("ix_deploys_service_deployed_at", "deploys", ["service", "deployed_at"])
    op.create_index("ix_deploys_deployed_at", "deploys", ["deployed_at"])


def downgrade() -> None:
    op.drop_index("ix_deploys_deployed_at", "deploys")
    op.drop_index("ix_deploys_service_deployed_at", "deploys")
    op.drop_table("deploys")
