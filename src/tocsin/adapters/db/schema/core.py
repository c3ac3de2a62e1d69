"""Incidents, their timeline, the job store, API tokens and web accounts (migrations 0001, 0002)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import JOB_STATUSES, PHASES, ROLES, SEVERITIES, metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

# Incident ids come from this sequence on PostgreSQL; SQLite ignores it (see next_id).
incident_id_seq = sa.Sequence("incident_id_seq", metadata=metadata)

incidents = sa.Table(
    "incidents",
    metadata,
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
    sa.Column("features_down", json_type(), nullable=False),
    sa.Column("components_down", json_type(), nullable=False),
    sa.Column("security_risk", sa.Boolean, nullable=False),
    sa.Column("data_risk", sa.Boolean, nullable=False),
    sa.Column("impact_assessed_at", UTCDateTime),
    sa.Column("security", sa.Boolean, nullable=False),
    sa.Column("generation", sa.Integer, nullable=False),
    sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()),  # migration 0013
    sa.CheckConstraint(one_of("severity", SEVERITIES), name="severity"),
    sa.CheckConstraint(one_of("phase", PHASES), name="phase"),
    sa.Index(None, "phase", "severity", "detected_at"),
    sa.Index(None, "severity", "detected_at"),
    sa.Index(None, "detected_at"),  # reports over a period (migration 0009)
)

timeline_events = sa.Table(
    "timeline_events",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("data", json_type(), nullable=False),
    sa.Index(None, "incident_id", "id"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("payload", json_type(), nullable=False),
    sa.Column("due_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("idempotency_key", sa.String(200), unique=True),
    sa.Column("claim_token", sa.String(64)),
    sa.Column("locked_by", sa.String(200)),
    sa.Column("lease_expires_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.CheckConstraint(one_of("status", JOB_STATUSES), name="status"),
    sa.Index(None, "status", "due_at"),
    sa.Index(None, "status", "lease_expires_at"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
    sa.Column("last_used_at", UTCDateTime),
    sa.CheckConstraint(one_of("role", ROLES), name="role"),
)

# At most one active token per name; revoked tokens keep their name for the record.
sa.Index(
    "uq_api_tokens_active_name",
    api_tokens.c.name,
    unique=True,
    sqlite_where=api_tokens.c.revoked_at.is_(None),
    postgresql_where=api_tokens.c.revoked_at.is_(None),
)


# --- Web UI accounts (migration 0002) -------------------------------------------------------

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("disabled_at", UTCDateTime),
    sa.Column("last_sign_in_at", UTCDateTime),
    sa.Column("language", sa.String(8)),  # migration 0013; NULL: the browser's, then server.language
    sa.CheckConstraint(one_of("role", ROLES), name="role"),
)

# The primary key is the SHA-256 of the cookie's secret; the secret itself is never stored.
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Index(None, "user_id"),
)

login_failures = sa.Table(
    "login_failures",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("client", sa.String(100), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Index(None, "email", "at"),
    sa.Index(None, "client", "at"),
)


# --- Reads on a big history (migration 0018) ------------------------------------------------
# The incident list's order (severity, newest detection, newest id) as one index, so that a page
# and a cursor seek instead of sorting; "recently resolved" by resolution time; timeline events
# counted by kind (the metrics' response-time breaches), and an incident's events of some kinds
# (its checklist ticks, its first acknowledgement for compliance, the room's filter chips).
sa.Index(
    "ix_incidents_list_order", incidents.c.severity, incidents.c.detected_at.desc(), incidents.c.id.desc()
)
sa.Index("ix_incidents_resolved_at", incidents.c.resolved_at)
sa.Index("ix_timeline_events_kind", timeline_events.c.kind)
sa.Index(
    "ix_timeline_events_incident_kind",
    timeline_events.c.incident_id,
    timeline_events.c.kind,
    timeline_events.c.id,
)
