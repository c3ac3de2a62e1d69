"""Initial schema: incidents, timeline events, jobs (the outbox), API tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _incidents() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("severity", sa.String(2), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("detected_at", UTCDateTime, nullable=False),
        sa.Column("declared_by", sa.String(200), nullable=False),
        sa.Column("ack_due_at", UTCDateTime, nullable=False),
        sa.Column("response_time_seconds", sa.Integer, nullable=False),
        sa.Column("acknowledged_at", UTCDateTime),
        sa.Column("acknowledged_by", sa.String(200)),
        sa.Column("sla_breached_at", UTCDateTime),
        sa.Column("resolved_at", UTCDateTime),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("postmortem_due_at", UTCDateTime),
        sa.Column("users_affected", sa.Integer),
        sa.Column("features_down", JSON, nullable=False),
        sa.Column("components_down", JSON, nullable=False),
        sa.Column("security_risk", sa.Boolean, nullable=False),
        sa.Column("data_risk", sa.Boolean, nullable=False),
        sa.Column("impact_assessed_at", UTCDateTime),
        sa.Column("security", sa.Boolean, nullable=False),
        sa.Column("generation", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.CheckConstraint("severity IN ('P0', 'P1', 'P2', 'P3')", name=op.f("ck_incidents_severity")),
        sa.CheckConstraint(
            "phase IN ('detection', 'triage', 'resolution', 'post_incident', 'closed')",
            name=op.f("ck_incidents_phase"),
        ),
    )
    op.create_index(
        "ix_incidents_phase_severity_detected_at", "incidents", ["phase", "severity", "detected_at"]
    )
    op.create_index("ix_incidents_severity_detected_at", "incidents", ["severity", "detected_at"])


def _timeline_events() -> None:
    op.create_table(
        "timeline_events",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_timeline_events"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_timeline_events_incident_id_incidents"
        ),
    )
    op.create_index("ix_timeline_events_incident_id_id", "timeline_events", ["incident_id", "id"])


def _jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("claim_token", sa.String(64)),
        sa.Column("locked_by", sa.String(200)),
        sa.Column("lease_expires_at", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.UniqueConstraint("idempotency_key", name="uq_jobs_idempotency_key"),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'dead', 'cancelled')", name=op.f("ck_jobs_status")
        ),
    )
    op.create_index("ix_jobs_status_due_at", "jobs", ["status", "due_at"])
    op.create_index("ix_jobs_status_lease_expires_at", "jobs", ["status", "lease_expires_at"])


def _api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("revoked_at", UTCDateTime),
        sa.Column("last_used_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("secret_hash", name="uq_api_tokens_secret_hash"),
        sa.CheckConstraint("role IN ('viewer', 'responder', 'admin')", name=op.f("ck_api_tokens_role")),
    )
    active = sa.text("revoked_at IS NULL")
    op.create_index(
        "uq_api_tokens_active_name",
        "api_tokens",
        ["name"],
        unique=True,
        sqlite_where=active,
        postgresql_where=active,
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("incident_id_seq")))
    _incidents()
    _timeline_events()
    _jobs()
    _api_tokens()


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("jobs")
    op.drop_table("timeline_events")
    op.drop_table("incidents")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("incident_id_seq")))
