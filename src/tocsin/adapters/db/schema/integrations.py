"""Slack and GitHub: what tocsin remembers of its messages, channels and issues (migrations 0005, 0006)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata
from tocsin.adapters.db.types import UTCDateTime

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
