"""Pages that wake people: contact methods (SMS, voice, push) and personal notification rules,
and where each delivery stands (pending until its rule's delay, then sent, delivered, failed,
answered, not answered or skipped once the incident moved on).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, json_type

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = ("pending", "sent", "delivered", "failed", "answered", "not_answered", "skipped")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "contact_methods",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("verified_at", UTCDateTime),
        sa.Column("code_hash", sa.String(64)),
        sa.Column("code_expires_at", UTCDateTime),
        sa.Column("code_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact_methods"),
        sa.UniqueConstraint(
            "person_id", "channel", "address", name=op.f("uq_contact_methods_person_id_channel_address")
        ),
        sa.CheckConstraint(_one_of("source", ("config", "profile")), name=op.f("ck_contact_methods_source")),
    )
    op.create_index("ix_contact_methods_channel_address", "contact_methods", ["channel", "address"])
    op.create_table(
        "person_rules",
        sa.Column("person_id", sa.String(100), nullable=False),
        sa.Column("rules", json_type(), nullable=False),
        sa.Column("quiet_start", sa.String(5)),
        sa.Column("quiet_end", sa.String(5)),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name="pk_person_rules"),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("status_at", UTCDateTime))
        batch.add_column(sa.Column("due_at", UTCDateTime))
        batch.create_check_constraint(op.f("ck_deliveries_status"), _one_of("status", _STATUSES))
    op.execute("UPDATE deliveries SET status = 'sent', status_at = sent_at WHERE sent_at IS NOT NULL")
    op.create_index("ix_deliveries_reference", "deliveries", ["reference"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_reference", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(op.f("ck_deliveries_status"), type_="check")
        batch.drop_column("due_at")
        batch.drop_column("status_at")
        batch.drop_column("status")
    op.drop_table("person_rules")
    op.drop_index("ix_contact_methods_channel_address", table_name="contact_methods")
    op.drop_table("contact_methods")
