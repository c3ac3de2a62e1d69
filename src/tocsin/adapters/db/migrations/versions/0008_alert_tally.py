"""Alert groups keep a running tally of their incident's alerts (total, firing, per severity),
so that a notification never counts them; existing groups are counted once here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEVERITIES = ("P0", "P1", "P2", "P3")
COLUMNS = ("alerts_total", "alerts_firing", *(f"alerts_{s.lower()}" for s in SEVERITIES))


def upgrade() -> None:
    with op.batch_alter_table("alert_groups") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer, nullable=False, server_default="0"))
    groups = sa.table("alert_groups", sa.column("incident_id"), *(sa.column(c) for c in COLUMNS))
    alerts = sa.table("alerts", sa.column("incident_id"), sa.column("status"), sa.column("severity"))

    def count(*where: sa.ColumnElement[bool]) -> sa.ScalarSelect[int]:
        return (
            sa.select(sa.func.count())
            .select_from(alerts)
            .where(alerts.c.incident_id == groups.c.incident_id, *where)
            .scalar_subquery()
        )

    values = {
        "alerts_total": count(),
        "alerts_firing": count(alerts.c.status == "firing"),
        **{f"alerts_{s.lower()}": count(alerts.c.severity == s) for s in SEVERITIES},
    }
    op.execute(groups.update().values(values))


def downgrade() -> None:
    with op.batch_alter_table("alert_groups") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
