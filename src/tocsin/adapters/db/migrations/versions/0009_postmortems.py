"""Post-mortems (the plan's Phase 4): one per incident, its state in columns, its text in JSON;
and an index for reports over a period of detection times.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, json_type

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postmortems",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("due_at", UTCDateTime),
        sa.Column("completed_at", UTCDateTime),
        sa.Column("completed_by", sa.String(200), nullable=False),
        sa.Column("waived_reason", sa.Text, nullable=False),
        sa.Column("document", json_type(), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_postmortems"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_postmortems_incident_id_incidents"
        ),
        sa.CheckConstraint("status IN ('draft', 'complete', 'waived')", name=op.f("ck_postmortems_status")),
    )
    op.create_index("ix_postmortems_status_due_at", "postmortems", ["status", "due_at"])
    op.create_index("ix_incidents_detected_at", "incidents", ["detected_at"])  # reports over a period


def downgrade() -> None:
    op.drop_index("ix_incidents_detected_at", "incidents")
    op.drop_index("ix_postmortems_status_due_at", "postmortems")
    op.drop_table("postmortems")
