"""The post-mortem of an incident (migration 0009): its state in columns (the deadline, what
the dashboard and the close gate read), what people wrote in one JSON document."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, json_type

POSTMORTEM_STATUSES = ("draft", "complete", "waived")

postmortems = sa.Table(
    "postmortems",
    metadata,
    sa.Column(
        "incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True, autoincrement=False
    ),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("required", sa.Boolean, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    sa.Column("due_at", UTCDateTime),
    sa.Column("completed_at", UTCDateTime),
    sa.Column("completed_by", sa.String(200), nullable=False),
    sa.Column("waived_reason", sa.Text, nullable=False),
    sa.Column("document", json_type(), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.CheckConstraint(one_of("status", POSTMORTEM_STATUSES), name="status"),
    sa.Index("ix_postmortems_status_due_at", "status", "due_at"),
)
