"""Acknowledge/escalate links of pages (only their tokens' hashes) and the install's secrets.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "page_links",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("used_at", UTCDateTime),
        sa.Column("used_action", sa.String(16)),
        sa.PrimaryKeyConstraint("id", name="pk_page_links"),
        sa.UniqueConstraint("token_hash", name="uq_page_links_token_hash"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_page_links_incident_id_incidents"
        ),
        sa.CheckConstraint("action IN ('ack', 'escalate')", name=op.f("ck_page_links_action")),
        sa.CheckConstraint("used_action IN ('ack', 'escalate')", name=op.f("ck_page_links_used_action")),
    )
    op.create_index("ix_page_links_key", "page_links", ["key"])
    op.create_table(
        "install_secrets",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_install_secrets"),
    )


def downgrade() -> None:
    op.drop_table("install_secrets")
    op.drop_index("ix_page_links_key", table_name="page_links")
    op.drop_table("page_links")
