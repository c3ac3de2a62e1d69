"""The evidence locker of security incidents: items and the hash-chained custody log.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, bigint_pk

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIONS = (
    "'added', 'reference_added', 'logs_preserved', 'downloaded', 'exported', 'hold_on', 'hold_off', 'deleted'"
)


def upgrade() -> None:
    op.create_table(
        "evidence_items",
        sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("reference", sa.String(2000), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("deleted_at", UTCDateTime),
        sa.Column("deleted_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_items"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_evidence_items_incident_id_incidents"
        ),
        sa.CheckConstraint("kind IN ('file', 'reference')", name=op.f("ck_evidence_items_kind")),
    )
    op.create_index("ix_evidence_items_incident_id_id", "evidence_items", ["incident_id", "id"])
    op.create_index("ix_evidence_items_sha256", "evidence_items", ["sha256"])
    op.create_table(
        "evidence_custody",
        sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("item_id", sa.BigInteger),
        sa.Column("item_sha256", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_custody"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_evidence_custody_incident_id_incidents"
        ),
        sa.UniqueConstraint("incident_id", "seq", name="uq_evidence_custody_incident_id_seq"),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name=op.f("ck_evidence_custody_action")),
    )


def downgrade() -> None:
    op.drop_table("evidence_custody")
    op.drop_index("ix_evidence_items_sha256", "evidence_items")
    op.drop_index("ix_evidence_items_incident_id_id", "evidence_items")
    op.drop_table("evidence_items")
