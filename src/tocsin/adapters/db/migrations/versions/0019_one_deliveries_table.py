"""One deliveries table: the status page's queued mails (subscriber and customer e-mails,
``status_mails``) move into ``deliveries`` beside the pages, as ``purpose = 'mail'`` rows that
carry their subject and body. Keys (hence Message-IDs and dedupe) are kept as they were; the
pending ``statuspage.mail`` jobs are pointed at the rows' new ids.

Revision ID: 0019
Revises: 0017 (the integrator re-chains after 0018)
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime, json_type

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MAIL_JOB = "statuspage.mail"

_deliveries = sa.table(
    "deliveries",
    sa.column("id", sa.Integer),
    sa.column("idempotency_key", sa.String),
    sa.column("incident_id", sa.Integer),
    sa.column("channel", sa.String),
    sa.column("recipient", sa.String),
    sa.column("purpose", sa.String),
    sa.column("trigger", sa.String),
    sa.column("created_at", UTCDateTime),
    sa.column("sent_at", UTCDateTime),
    sa.column("reference", sa.String),
    sa.column("status", sa.String),
    sa.column("status_at", UTCDateTime),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
)
_status_mails = sa.table(
    "status_mails",
    sa.column("id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("incident_id", sa.Integer),
    sa.column("recipient", sa.String),
    sa.column("subject", sa.String),
    sa.column("body", sa.Text),
    sa.column("created_at", UTCDateTime),
    sa.column("sent_at", UTCDateTime),
    sa.column("reference", sa.String),
)
_jobs = sa.table(
    "jobs",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("payload", json_type()),
    sa.column("status", sa.String),
    sa.column("idempotency_key", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("incident_id", existing_type=sa.Integer, nullable=True)
        batch.alter_column("recipient", existing_type=sa.String(200), type_=sa.String(254))
        batch.add_column(sa.Column("subject", sa.String(300)))
        batch.add_column(sa.Column("body", sa.Text))
    conn = op.get_bind()
    moved: dict[int, int] = {}
    for mail in conn.execute(sa.select(_status_mails).order_by(_status_mails.c.id)).mappings():
        sent = mail["sent_at"] is not None
        new_id = conn.execute(
            _deliveries.insert()
            .values(
                idempotency_key=mail["key"],
                incident_id=mail["incident_id"],
                channel="email",
                recipient=mail["recipient"],
                purpose="mail",
                trigger=str(mail["key"]).split(":", 1)[0][:32],
                created_at=mail["created_at"],
                sent_at=mail["sent_at"],
                reference=mail["reference"],
                status="sent" if sent else "pending",
                status_at=mail["sent_at"],
                subject=mail["subject"],
                body=mail["body"],
            )
            .returning(_deliveries.c.id)
        ).scalar_one()
        moved[int(mail["id"])] = int(new_id)
    _repoint_jobs(conn, moved)
    op.drop_table("status_mails")


def _repoint_jobs(conn: sa.Connection, ids: dict[int, int], key: str | None = "mail:") -> None:
    """Jobs not yet done name the mail by its old id: give them the new one and a key of the
    new series (``mail:<id>``), so a later mail's job never collides with an old job's key
    (going down: no key, as the old series may already hold the number)."""
    query = sa.select(_jobs.c.id, _jobs.c.payload).where(
        _jobs.c.kind == MAIL_JOB, _jobs.c.status.in_(("pending", "running", "dead", "cancelled"))
    )
    for job_id, payload in conn.execute(query).all():
        old = int(payload.get("mail_id", 0)) if isinstance(payload, dict) else 0
        if old not in ids:
            continue
        new: dict[str, Any] = {**payload, "mail_id": ids[old]}
        conn.execute(
            _jobs.update()
            .where(_jobs.c.id == job_id)
            .values(payload=new, idempotency_key=f"{key}{ids[old]}" if key else None)
        )


def downgrade() -> None:
    op.create_table(
        "status_mails",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("incident_id", sa.Integer),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("reference", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_status_mails"),
        sa.UniqueConstraint("key", name="uq_status_mails_key"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name="fk_status_mails_incident_id_incidents"
        ),
    )
    conn = op.get_bind()
    mails = _deliveries.c.purpose == "mail"
    moved: dict[int, int] = {}
    for row in conn.execute(sa.select(_deliveries).where(mails).order_by(_deliveries.c.id)).mappings():
        new_id = conn.execute(
            _status_mails.insert()
            .values(
                key=row["idempotency_key"],
                incident_id=row["incident_id"],
                recipient=row["recipient"],
                subject=row["subject"] or "",
                body=row["body"] or "",
                created_at=row["created_at"],
                sent_at=row["sent_at"],
                reference=row["reference"],
            )
            .returning(_status_mails.c.id)
        ).scalar_one()
        moved[int(row["id"])] = int(new_id)
    _repoint_jobs(conn, moved, key=None)
    conn.execute(_deliveries.delete().where(mails))
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("body")
        batch.drop_column("subject")
        batch.alter_column("recipient", existing_type=sa.String(254), type_=sa.String(200))
        batch.alter_column("incident_id", existing_type=sa.Integer, nullable=False)
