"""The tables, as SQLAlchemy Core. The Alembic migrations must produce exactly this schema
(``tests/adapters/db/test_migrate.py`` compares them on SQLite and PostgreSQL).

Enumerations are stored as their string values with CHECK constraints, so a bad value is
refused by the database whichever code path wrote it.
"""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

SEVERITIES = ("P0", "P1", "P2", "P3")
PHASES = ("detection", "triage", "resolution", "post_incident", "closed")
JOB_STATUSES = ("pending", "running", "done", "dead", "cancelled")
ROLES = ("viewer", "responder", "security", "admin")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
    sa.CheckConstraint(_one_of("severity", SEVERITIES), name="severity"),
    sa.CheckConstraint(_one_of("phase", PHASES), name="phase"),
    sa.Index(None, "phase", "severity", "detected_at"),
    sa.Index(None, "severity", "detected_at"),
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
    sa.CheckConstraint(_one_of("status", JOB_STATUSES), name="status"),
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
    sa.CheckConstraint(_one_of("role", ROLES), name="role"),
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
    sa.CheckConstraint(_one_of("role", ROLES), name="role"),
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


# --- Alert intake (migration 0003) ----------------------------------------------------------

ALERT_STATUSES = ("firing", "resolved")
OPEN_PHASE_VALUES = ("detection", "triage", "resolution")

# The group an alert-opened incident belongs to: sha256 of (source, group key). The partial
# unique index makes "one open incident per group" a fact of the schema: a second concurrent
# opening fails with an IntegrityError and is retried as an attachment.
incidents.append_column(sa.Column("alert_group", sa.String(64)))
_open_group = sa.and_(incidents.c.alert_group.is_not(None), incidents.c.phase.in_(OPEN_PHASE_VALUES))
sa.Index(
    "uq_incidents_open_alert_group",
    incidents.c.alert_group,
    unique=True,
    sqlite_where=_open_group,
    postgresql_where=_open_group,
)
sa.Index("ix_incidents_alert_group", incidents.c.alert_group)

alert_groups = sa.Table(
    "alert_groups",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("group_key", sa.Text, nullable=False),
    sa.Column("alert_severity", sa.String(2), nullable=False),
    sa.Column("human_severity", sa.Boolean, nullable=False),
    sa.Column("truncated_alerts", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # the group's AlertTally: counts of its incident's alerts, kept by the intake
    sa.Column("alerts_total", sa.Integer, nullable=False, server_default="0"),
    sa.Column("alerts_firing", sa.Integer, nullable=False, server_default="0"),
    *[sa.Column(f"alerts_{s.lower()}", sa.Integer, nullable=False, server_default="0") for s in SEVERITIES],
    sa.CheckConstraint(_one_of("alert_severity", SEVERITIES), name="alert_severity"),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("severity", sa.String(2), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("labels", json_type(), nullable=False),
    sa.Column("annotations", json_type(), nullable=False),
    sa.Column("starts_at", UTCDateTime, nullable=False),
    sa.Column("ends_at", UTCDateTime),
    sa.Column("generator_url", sa.Text, nullable=False),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("incident_id", "fingerprint"),
    sa.CheckConstraint(_one_of("status", ALERT_STATUSES), name="status"),
    sa.CheckConstraint(_one_of("severity", SEVERITIES), name="severity"),
)


# --- Escalation, notifications, calendar feeds (migration 0004) -------------------------------

ESCALATION_STATUSES = ("active", "stopped")

# The policy frozen onto an incident and how far it has gone (``domain.escalation``). Written
# only with the incident row locked, so the incident serialises its escalation.
escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("severity", sa.String(2), nullable=False),
    sa.Column("policy", json_type(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("batch", sa.Integer, nullable=False),
    sa.Column("notified", json_type(), nullable=False),
    sa.Column("last_step_at", UTCDateTime),
    sa.Column("next_step_at", UTCDateTime),
    sa.Column("stop_reason", sa.String(200), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(_one_of("status", ESCALATION_STATUSES), name="status"),
    sa.CheckConstraint(_one_of("severity", SEVERITIES), name="severity"),
)

# One row per notification (incident, event batch, recipient, channel): the unique key is the
# job's idempotency key, so nobody is notified twice of one event through one channel.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("recipient", sa.String(200), nullable=False),
    sa.Column("purpose", sa.String(8), nullable=False),
    sa.Column("trigger", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("reference", sa.String(500)),
    sa.Index(None, "incident_id", "id"),
)

# Secret iCal feed URLs: a schedule's feed or a person's own. Only the token's hash is stored.
calendar_feeds = sa.Table(
    "calendar_feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("subject", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("revoked_at", UTCDateTime),
    sa.CheckConstraint(_one_of("kind", ("schedule", "person")), name="kind"),
)

# The Slack announcement of an incident (issue 6): its channel id and message ts, so later
# changes edit it in place (chat.update) and timeline events go to its thread. One per incident.
slack_messages = sa.Table(
    "slack_messages",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("channel", sa.String(80), nullable=False),
    sa.Column("ts", sa.String(40), nullable=False),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

# The incident's own Slack channel (issue 6), at most one: created once, archived when closed.
slack_channels = sa.Table(
    "slack_channels",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("channel", sa.String(80), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("summary_ts", sa.String(40)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("archived_at", UTCDateTime),
)


# --- Status page (migration 0007) -----------------------------------------------------------

COMPONENT_STATUSES = (
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
)
UPDATE_STATUSES = ("investigating", "identified", "monitoring", "resolved")
IMPACTS = ("none", "minor", "major", "critical")

# One public incident per tocsin incident; ``id`` is a random public code (never the internal id).
status_incidents = sa.Table(
    "status_incidents",
    metadata,
    sa.Column("id", sa.String(12), primary_key=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("impact", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("components", json_type(), nullable=False),
    sa.Column("draft_body", sa.Text, nullable=False),
    sa.Column("first_posted_at", UTCDateTime),
    sa.Column("monitoring_at", UTCDateTime),
    sa.Column("resolved_at", UTCDateTime),
    sa.CheckConstraint(_one_of("impact", IMPACTS), name="impact"),
    sa.CheckConstraint(_one_of("status", UPDATE_STATUSES), name="status"),
    sa.Index(None, "first_posted_at"),
)

status_updates = sa.Table(
    "status_updates",
    metadata,
    sa.Column("id", sa.String(12), primary_key=True),
    sa.Column("status_incident_id", sa.String(12), sa.ForeignKey("status_incidents.id"), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.Column("affected", json_type(), nullable=False),
    sa.CheckConstraint(_one_of("status", UPDATE_STATUSES), name="status"),
    sa.Index(None, "status_incident_id", "posted_at"),
)

status_component_history = sa.Table(
    "status_component_history",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("component", sa.String(64), nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("status_incident_id", sa.String(12)),
    sa.CheckConstraint(_one_of("status", COMPONENT_STATUSES), name="status"),
    sa.Index(None, "component", "at"),
)

# The "> 1 h" customer email and the resolution email: the primary key makes them once per incident.
status_customer_emails = sa.Table(
    "status_customer_emails",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("state", sa.String(20), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(_one_of("kind", ("prolonged", "resolved")), name="kind"),
    sa.CheckConstraint(_one_of("state", ("awaiting_approval", "sent")), name="state"),
)

status_mails = sa.Table(
    "status_mails",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id")),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("subject", sa.String(300), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("reference", sa.String(500)),
)

# Scheduled maintenance; its updates are few and always read with it, so they are a JSON list.
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
status_maintenances = sa.Table(
    "status_maintenances",
    metadata,
    sa.Column("id", sa.String(12), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("scheduled_for", UTCDateTime, nullable=False),
    sa.Column("scheduled_until", UTCDateTime, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("components", json_type(), nullable=False),
    sa.Column("updates", json_type(), nullable=False),
    sa.Column("started_at", UTCDateTime),
    sa.Column("completed_at", UTCDateTime),
    sa.CheckConstraint(_one_of("status", MAINTENANCE_STATUSES), name="status"),
    sa.Index(None, "scheduled_for"),
)

# One row, bumped on every public change: replicas' render caches compare it.
status_revision = sa.Table(
    "status_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("revision", sa.Integer, nullable=False),
)


# --- GitHub issues (migration 0006) ------------------------------------------------------------

# An incident's GitHub issue and how far its timeline has been mirrored to it.
github_issues = sa.Table(
    "github_issues",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("repository", sa.String(200), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("synced_event_id", sa.BigInteger, nullable=False),
    sa.Column("synced_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("repository", "number"),
)

# Webhook deliveries received (``X-GitHub-Delivery``): a redelivery is recognised and ignored.
github_deliveries = sa.Table(
    "github_deliveries",
    metadata,
    sa.Column("delivery_id", sa.String(100), primary_key=True),
    sa.Column("event", sa.String(50), nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
)

# Subscribers: email with double opt-in. ``token`` is in the confirm and unsubscribe links.
status_subscribers = sa.Table(
    "status_subscribers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("components", json_type(), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("confirmed_at", UTCDateTime),
    sa.Column("unsubscribed_at", UTCDateTime),
)
