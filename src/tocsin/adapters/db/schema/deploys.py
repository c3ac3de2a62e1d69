"""Deploys received (migration 0010): what was deployed where and when. ``external_id`` (a
GitHub deployment status id) makes a redelivered deploy one row."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata
from tocsin.adapters.db.types import UTCDateTime, bigint_pk

deploys = sa.Table(
    "deploys",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("service", sa.String(200), nullable=False),
    sa.Column("version", sa.String(200), nullable=False),
    sa.Column("environment", sa.String(100), nullable=False),
    sa.Column("url", sa.String(2000), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("external_id", sa.String(200)),
    sa.Column("deployed_at", UTCDateTime, nullable=False),
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("source", "external_id"),
    sa.Index(None, "service", "deployed_at"),
    sa.Index(None, "deployed_at"),
)
