"""The evidence locker of security incidents: its items (files are on disk
under their SHA-256; the rows hold what is known about them) and the custody log, a hash chain
per incident (``seq`` 1, 2, 3… unique per incident)."""

from __future__ import annotations

import sqlalchemy as sa

from tocsin.adapters.db.schema.base import metadata, one_of
from tocsin.adapters.db.types import UTCDateTime, bigint_pk

EVIDENCE_KINDS = ("file", "reference")
CUSTODY_ACTIONS = (
    "added",
    "reference_added",
    "logs_preserved",
    "downloaded",
    "exported",
    "hold_on",
    "hold_off",
    "deleted",
)

evidence_items = sa.Table(
    "evidence_items",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("media_type", sa.String(200), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("reference", sa.String(2000), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("added_at", UTCDateTime, nullable=False),
    sa.Column("added_by", sa.String(200), nullable=False),
    sa.Column("deleted_at", UTCDateTime),
    sa.Column("deleted_by", sa.String(200), nullable=False),
    sa.CheckConstraint(one_of("kind", EVIDENCE_KINDS), name="kind"),
    sa.Index(None, "incident_id", "id"),
    sa.Index(None, "sha256"),
)

evidence_custody = sa.Table(
    "evidence_custody",
    metadata,
    sa.Column("id", bigint_pk(), primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("item_id", sa.BigInteger),
    sa.Column("item_sha256", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.CheckConstraint(one_of("action", CUSTODY_ACTIONS), name="action"),
    sa.UniqueConstraint("incident_id", "seq"),
)
