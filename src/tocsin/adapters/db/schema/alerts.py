"""Alert intake: alert groups and their alerts (migrations 0003, 0008)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import SEVERITIES, metadata, one_of
from tocsin.adapters.db.schema.core import incidents
from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

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
    sa.CheckConstraint(one_of("alert_severity", SEVERITIES), name="alert_severity"),
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
    sa.CheckConstraint(one_of("status", ALERT_STATUSES), name="status"),
    sa.CheckConstraint(one_of("severity", SEVERITIES), name="severity"),
)

# An incident's alerts in the order they are listed: firing first, then first seen (migration 0018).
sa.Index("ix_alerts_list_order", alerts.c.incident_id, alerts.c.status, alerts.c.first_seen_at, alerts.c.id)
