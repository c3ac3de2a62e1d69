"""Escalation, notification deliveries and calendar feeds (migration 0004)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import SEVERITIES, metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

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
    sa.CheckConstraint(one_of("status", ESCALATION_STATUSES), name="status"),
    sa.CheckConstraint(one_of("severity", SEVERITIES), name="severity"),
)

MAIL_PURPOSES = ("mail", "art34")
"""The purposes of the rows that are not pages: status-page mails (0019) and Art. 34 mails (0020)."""
DELIVERY_STATUSES = ("pending", "sent", "delivered", "failed", "answered", "not_answered", "skipped")

# One row per notification (incident, event batch, recipient, channel): the unique key is the
# job's idempotency key, so nobody is notified twice of one event through one channel. Since
# migration 0019 the ONE deliveries table: status-page and customer mails are ``mail`` rows,
# and since 0020 the Art. 34 mails to data subjects ``art34`` rows (one per address).
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
    # migration 0019: a status-page mail may have no incident (a subscription's confirmation)
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id")),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("recipient", sa.String(254), nullable=False),
    sa.Column("purpose", sa.String(8), nullable=False),
    sa.Column("trigger", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("reference", sa.String(500)),
    # migration 0016: where the page stands (a rule's later methods wait as ``pending``)
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("status_at", UTCDateTime),
    sa.Column("due_at", UTCDateTime),
    # migration 0019: the status page's subscriber and customer mails (purpose ``mail``) are
    # deliveries too, and carry what they say; pages render theirs from the incident
    sa.Column("subject", sa.String(300)),
    sa.Column("body", sa.Text),
    # migration 0020: why the last try did not deliver (an Art. 34 mail's SMTP refusal)
    sa.Column("error", sa.String(500)),
    sa.Index(None, "incident_id", "id"),
    # migration 0020: an Art. 34 communication's counts and its addresses in one state
    sa.Index(None, "incident_id", "purpose", "status"),
    sa.Index(None, "reference"),  # migration 0016: a provider's status callback names its SID
    sa.CheckConstraint(one_of("status", DELIVERY_STATUSES), name="status"),
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
    sa.CheckConstraint(one_of("kind", ("schedule", "person")), name="kind"),
)

# --- Contact methods and personal notification rules (migration 0016) -------------------------

CONTACT_SOURCES = ("config", "profile")

# How a person can be paged besides the directory's e-mail: an SMS or voice number (E.164), an
# ntfy topic. Only verified methods are paged; a pending code is stored hashed.
contact_methods = sa.Table(
    "contact_methods",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("person_id", sa.String(100), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.String(200), nullable=False),
    sa.Column("source", sa.String(8), nullable=False),
    sa.Column("verified_at", UTCDateTime),
    sa.Column("code_hash", sa.String(64)),
    sa.Column("code_expires_at", UTCDateTime),
    sa.Column("code_attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("person_id", "channel", "address"),
    sa.Index(None, "channel", "address"),  # an SMS reply names its sender's number
    sa.CheckConstraint(one_of("source", CONTACT_SOURCES), name="source"),
)

# A person's own notification rule and quiet hours (the profile page); none: the config's.
person_rules = sa.Table(
    "person_rules",
    metadata,
    sa.Column("person_id", sa.String(100), primary_key=True),
    sa.Column("rules", json_type(), nullable=False),  # [{"channel": "sms", "after_seconds": 120}]
    sa.Column("quiet_start", sa.String(5)),  # HH:MM in the person's time zone
    sa.Column("quiet_end", sa.String(5)),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
