"""The public status page: public incidents and their updates, component history, mails,
maintenance and subscribers (migration 0007)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

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
    sa.CheckConstraint(one_of("impact", IMPACTS), name="impact"),
    sa.CheckConstraint(one_of("status", UPDATE_STATUSES), name="status"),
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
    sa.CheckConstraint(one_of("status", UPDATE_STATUSES), name="status"),
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
    sa.CheckConstraint(one_of("status", COMPONENT_STATUSES), name="status"),
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
    sa.CheckConstraint(one_of("kind", ("prolonged", "resolved")), name="kind"),
    sa.CheckConstraint(one_of("state", ("awaiting_approval", "sent")), name="state"),
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
    sa.CheckConstraint(one_of("status", MAINTENANCE_STATUSES), name="status"),
    sa.Index(None, "scheduled_for"),
)

# One row, bumped on every public change: replicas' render caches compare it.
status_revision = sa.Table(
    "status_revision",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("revision", sa.Integer, nullable=False),
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
