"""Art. 34 mails in the one deliveries table: how each data subject's mail went (pending, sent,
failed, the server's reason, when) moves from ``breach_recipients`` into ``deliveries`` as one
``art34`` row per address, keyed ``breach34:<incident>:<recipient id>``. ``breach_recipients``
stays the list of the affected addresses as uploaded (address, name, CSV line), with the same
ids, so the queued ``breach.communicate`` jobs (which name the addresses by id) run unchanged
and each round's mail keeps its key (``breach34:<incident>:<recipient id>:<round>``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ART34 = "art34"
INDEX = "ix_deliveries_incident_id_purpose_status"

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
    sa.column("status", sa.String),
    sa.column("status_at", UTCDateTime),
    sa.column("error", sa.String),
)
_recipients = sa.table(
    "breach_recipients",
    sa.column("id", sa.Integer),
    sa.column("incident_id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("state", sa.String),
    sa.column("error", sa.String),
    sa.column("updated_at", UTCDateTime),
    sa.column("sent_at", UTCDateTime),
)
_breaches = sa.table("breaches", sa.column("incident_id", sa.Integer), sa.column("updated_at", UTCDateTime))


def _key() -> sa.ColumnElement[str]:
    """``breach34:<incident>:<recipient id>``, as ``adapters.db.breaches.delivery_key`` builds it."""
    text = sa.String(40)
    return (
        sa.literal("breach34:", text)
        + sa.cast(_recipients.c.incident_id, text)
        + ":"
        + sa.cast(_recipients.c.id, text)
    )


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("error", sa.String(500)))
    op.create_index(INDEX, "deliveries", ["incident_id", "purpose", "status"])
    moved = sa.select(
        _key(),
        _recipients.c.incident_id,
        sa.literal("email", sa.String(32)),
        _recipients.c.email,
        sa.literal(ART34, sa.String(8)),
        sa.literal("breach34", sa.String(32)),
        _recipients.c.updated_at,
        _recipients.c.sent_at,
        _recipients.c.state,
        _recipients.c.updated_at,
        sa.func.nullif(_recipients.c.error, ""),
    ).order_by(_recipients.c.id)
    columns = ["idempotency_key", "incident_id", "channel", "recipient", "purpose", "trigger", "created_at"]
    op.execute(_deliveries.insert().from_select([*columns, "sent_at", "status", "status_at", "error"], moved))
    op.drop_index("ix_breach_recipients_incident_id_state", "breach_recipients")
    op.create_index("ix_breach_recipients_incident_id_id", "breach_recipients", ["incident_id", "id"])
    with op.batch_alter_table("breach_recipients") as batch:
        batch.drop_constraint(op.f("ck_breach_recipients_state"), type_="check")
        for column in ("state", "error", "updated_at", "sent_at"):
            batch.drop_column(column)


def downgrade() -> None:
    op.drop_index("ix_breach_recipients_incident_id_id", "breach_recipients")
    with op.batch_alter_table("breach_recipients") as batch:
        batch.add_column(sa.Column("state", sa.String(8)))
        batch.add_column(sa.Column("error", sa.String(500)))
        batch.add_column(sa.Column("updated_at", UTCDateTime))
        batch.add_column(sa.Column("sent_at", UTCDateTime))

    def of_delivery(column: sa.ColumnClause[object]) -> sa.ScalarSelect[object]:
        return (
            sa.select(column)
            .where(_deliveries.c.idempotency_key == _key(), _deliveries.c.purpose == ART34)
            .scalar_subquery()
        )

    breach_updated = (
        sa.select(_breaches.c.updated_at)
        .where(_breaches.c.incident_id == _recipients.c.incident_id)
        .scalar_subquery()
    )
    op.execute(
        _recipients.update().values(
            state=sa.func.coalesce(of_delivery(_deliveries.c.status), "pending"),
            error=sa.func.coalesce(of_delivery(_deliveries.c.error), ""),
            updated_at=sa.func.coalesce(
                of_delivery(_deliveries.c.status_at), of_delivery(_deliveries.c.created_at), breach_updated
            ),
            sent_at=of_delivery(_deliveries.c.sent_at),
        )
    )
    with op.batch_alter_table("breach_recipients") as batch:
        batch.alter_column("state", existing_type=sa.String(8), nullable=False)
        batch.alter_column("error", existing_type=sa.String(500), nullable=False)
        batch.alter_column("updated_at", existing_type=UTCDateTime, nullable=False)
        batch.create_check_constraint(
            op.f("ck_breach_recipients_state"), "state IN ('pending', 'sent', 'failed')"
        )
    op.create_index("ix_breach_recipients_incident_id_state", "breach_recipients", ["incident_id", "state"])
    op.execute(_deliveries.delete().where(_deliveries.c.purpose == ART34))
    op.drop_index(INDEX, "deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("error")
