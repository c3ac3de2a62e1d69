"""Outbound sends in flight (migration 0013): a row is written, in its own transaction, just
before tocsin hands something to a provider (mail server, webhook receiver, Slack), and removed
in the transaction that records the result. A row found by the next attempt means the last one
stopped in between (worker killed, database lost): the provider may already have it."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata
from tocsin.adapters.db.types import UTCDateTime

outbound_sends = sa.Table(
    "outbound_sends",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),  # the delivery's idempotency key
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
)
