"""Personal-data breaches (migration 0011): one record per security incident (its clock and risk
in columns, the assessment in a JSON document), its notifications to the supervisory authority,
and the affected addresses of the Art. 34 communication (the data subjects, as uploaded).

Since migration 0020 how each address's mail went (pending, sent, failed) is its ``art34`` row
of the one ``deliveries`` table, keyed ``breach34:<incident>:<recipient id>``."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk, json_type

RISKS = ("none", "risk", "high")
NOTICE_KINDS = ("initial", "follow_up")
NOTICE_METHODS = ("online_form", "email", "letter", "phone", "other")

breaches = sa.Table(
    "breaches",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
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
    sa.CheckConstraint(one_of("risk", RISKS), name="risk"),
    sa.Index(None, "aware_at"),
)

breach_notices = sa.Table(
    "breach_notices",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("breaches.incident_id"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("notified_at", UTCDateTime, nullable=False),
    sa.Column("method", sa.String(12), nullable=False),
    sa.Column("reference", sa.String(200), nullable=False),
    sa.Column("authority", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(one_of("kind", NOTICE_KINDS), name="kind"),
    sa.CheckConstraint(one_of("method", NOTICE_METHODS), name="method"),
    sa.Index(None, "incident_id", "id"),
)

# The data subjects to inform (the uploaded CSV, an address once per incident); what was sent to
# them lives in ``deliveries`` (migration 0020), one ``art34`` row per address.
breach_recipients = sa.Table(
    "breach_recipients",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("breaches.incident_id"), nullable=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("email_key", sa.String(254), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.UniqueConstraint("incident_id", "email_key"),
    sa.Index(None, "incident_id", "id"),  # migration 0020: the list in upload order, a page at a time
)
