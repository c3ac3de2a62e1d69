"""Status page components, public incidents, maintenance and subscribers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UPDATE_STATUSES = "status IN ('investigating', 'identified', 'monitoring', 'resolved')"
COMPONENT_STATUSES = (
    "status IN ('operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance')"
)


def _incidents() -> None:
    op.create_table(
        "status_incidents",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("impact", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("draft_body", sa.Text, nullable=False),
        sa.Column("first_posted_at", UTCDateTime),
        sa.Column("monitoring_at", UTCDateTime),
        sa.Column("resolved_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_status_incidents"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_status_incidents_incident_id_incidents"
        ),
        sa.UniqueConstraint("incident_id", name="uq_status_incidents_incident_id"),
        sa.CheckConstraint(
            "impact IN ('none', 'minor', 'major', 'critical')", name=op.f("ck_status_incidents_impact")
        ),
        sa.CheckConstraint(UPDATE_STATUSES, name=op.f("ck_status_incidents_status")),
    )
    op.create_index("ix_status_incidents_first_posted_at", "status_incidents", ["first_posted_at"])
    op.create_table(
        "status_updates",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("status_incident_id", sa.String(12), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("posted_at", UTCDateTime, nullable=False),
        sa.Column("affected", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_status_updates"),
        sa.ForeignKeyConstraint(
            ["status_incident_id"],
            ["status_incidents.id"],
            name="fk_status_updates_status_incident_id_status_incidents",
        ),
        sa.CheckConstraint(UPDATE_STATUSES, name=op.f("ck_status_updates_status")),
    )
    op.create_index(
        "ix_status_updates_status_incident_id_posted_at",
        "status_updates",
        ["status_incident_id", "posted_at"],
    )


def _components() -> None:
    op.create_table(
        "status_component_history",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("component", sa.String(64), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("status_incident_id", sa.String(12)),
        sa.PrimaryKeyConstraint("id", name="pk_status_component_history"),
        sa.CheckConstraint(COMPONENT_STATUSES, name=op.f("ck_status_component_history_status")),
    )
    op.create_index(
        "ix_status_component_history_component_at", "status_component_history", ["component", "at"]
    )
    op.create_table(
        "status_revision",
        sa.Column("id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_status_revision"),
    )


def _maintenances() -> None:
    op.create_table(
        "status_maintenances",
        sa.Column("id", sa.String(12), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("scheduled_for", UTCDateTime, nullable=False),
        sa.Column("scheduled_until", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("updates", JSON, nullable=False),
        sa.Column("started_at", UTCDateTime),
        sa.Column("completed_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_status_maintenances"),
        sa.CheckConstraint(
            "status IN ('scheduled', 'in_progress', 'verifying', 'completed')",
            name=op.f("ck_status_maintenances_status"),
        ),
    )
    op.create_index("ix_status_maintenances_scheduled_for", "status_maintenances", ["scheduled_for"])


def _emails() -> None:
    op.create_table(
        "status_customer_emails",
        sa.Column("incident_id", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "kind", name="pk_status_customer_emails"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_status_customer_emails_incident_id_incidents"
        ),
        sa.CheckConstraint("kind IN ('prolonged', 'resolved')", name=op.f("ck_status_customer_emails_kind")),
        sa.CheckConstraint(
            "state IN ('awaiting_approval', 'sent')", name=op.f("ck_status_customer_emails_state")
        ),
    )
    op.create_table(
        "status_mails",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("incident_id", sa.Integer),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("reference", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_status_mails"),
        sa.UniqueConstraint("key", name="uq_status_mails_key"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_status_mails_incident_id_incidents"
        ),
    )


def _subscribers() -> None:
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("confirmed_at", UTCDateTime),
        sa.Column("unsubscribed_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_status_subscribers"),
        sa.UniqueConstraint("email", name="uq_status_subscribers_email"),
        sa.UniqueConstraint("token", name="uq_status_subscribers_token"),
    )


def upgrade() -> None:
    _incidents()
    _components()
    _maintenances()
    _emails()
    _subscribers()


def downgrade() -> None:
    op.drop_table("status_subscribers")
    op.drop_table("status_mails")
    op.drop_table("status_customer_emails")
    op.drop_table("status_revision")
    op.drop_index("ix_status_maintenances_scheduled_for", table_name="status_maintenances")
    op.drop_table("status_maintenances")
    op.drop_index("ix_status_component_history_component_at", table_name="status_component_history")
    op.drop_table("status_component_history")
    op.drop_index("ix_status_updates_status_incident_id_posted_at", table_name="status_updates")
    op.drop_table("status_updates")
    op.drop_index("ix_status_incidents_first_posted_at", table_name="status_incidents")
    op.drop_table("status_incidents")
