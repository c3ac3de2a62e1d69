"""Acknowledge/escalate links of pages (migration 0017) and the install's own secrets.

``page_links`` keeps only each token's SHA-256 (``domain.page_link``); both links of one page
share its notification ``key``, by which they are used together. ``install_secrets`` holds
secrets this installation made for itself on first start (the page-link key), never shown."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk

LINK_ACTIONS = ("ack", "escalate")

page_links = sa.Table(
    "page_links",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("key", sa.String(200), nullable=False, index=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("person_id", sa.String(100), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("used_at", UTCDateTime),
    sa.Column("used_action", sa.String(16)),
    sa.CheckConstraint(one_of("action", LINK_ACTIONS), name="action"),
    sa.CheckConstraint(one_of("used_action", LINK_ACTIONS), name="used_action"),
)

install_secrets = sa.Table(
    "install_secrets",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
