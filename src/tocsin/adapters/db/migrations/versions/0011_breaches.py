"""Personal-data breaches (GDPR Art. 33/34): the record of a security incident's breach, its
notifications to the supervisory authority, the Art. 34 addresses and their delivery state.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("aware_at", UTCDateTime, nullable=False),
        sa.Column("risk", sa.String(8)),
        sa.Column("assessment", json_type(), nullable=False),
        sa.Column("delay_reasons", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("message_subject", sa.Text, nullable=False),
        sa.Column("message_body", sa.Text, nullable=False),
        sa.Column("message_round", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", name="pk_breaches"),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"], name="fk_breaches_incident_id_incidents"),
        sa.CheckConstraint("risk IN ('none', 'risk', 'high')", name=op.f("ck_breaches_risk")),
    )
    op.create_index("ix_breaches_aware_at", "breaches", ["aware_at"])
    op.create_table(
        "breach_notices",
        sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("notified_at", UTCDateTime, nullable=False),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("authority", sa.String(100), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_breach_notices"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["breaches.incident_id"], name="fk_breach_notices_incident_id_breaches"
        ),
        sa.CheckConstraint("kind IN ('initial', 'follow_up')", name=op.f("ck_breach_notices_kind")),
        sa.CheckConstraint(
            "method IN ('online_form', 'email', 'letter', 'phone', 'other')",
            name=op.f("ck_breach_notices_method"),
        ),
    )
    op.create_index("ix_breach_notices_incident_id_id", "breach_notices", ["incident_id", "id"])
    op.create_table(
        "breach_recipients",
        sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("error", sa.String(500), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_breach_recipients"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["breaches.incident_id"], name="fk_breach_recipients_incident_id_breaches"
        ),
        sa.UniqueConstraint("incident_id", "email_key", name="uq_breach_recipients_incident_id_email_key"),
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name=op.f("ck_breach_recipients_state")),
    )
    op.create_index("ix_breach_recipients_incident_id_state", "breach_recipients", ["incident_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_breach_recipients_incident_id_state", "breach_recipients")
    op.drop_table("breach_recipients")
    op.drop_index("ix_breach_notices_incident_id_id", "breach_notices")
    op.drop_table("breach_notices")
    op.drop_index("ix_breaches_aware_at", "breaches")
    op.drop_table("breaches")
