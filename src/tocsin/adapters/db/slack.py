"""Slack announcements over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import slack_messages
from tocsin.services.slack_ports import Posted

_INSERT = {
    "postgresql": postgresql.insert(slack_messages).on_conflict_do_nothing(
        index_elements=[slack_messages.c.incident_id]
    ),
    "sqlite": sqlite.insert(slack_messages).on_conflict_do_nothing(
        index_elements=[slack_messages.c.incident_id]
    ),
}


class SqlSlackMessageRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, incident_id: int) -> Posted | None:
        row = self._conn.execute(
            slack_messages.select().where(slack_messages.c.incident_id == incident_id)
        ).first()
        return Posted(channel=row.channel, ts=row.ts) if row is not None else None

    def add(self, incident_id: int, posted: Posted, at: datetime) -> None:
        values = {
            "incident_id": incident_id,
            "channel": posted.channel,
            "ts": posted.ts,
            "posted_at": at,
            "updated_at": at,
        }
        self._conn.execute(_INSERT[self._conn.dialect.name], values)

    def touch(self, incident_id: int, at: datetime) -> None:
        self._conn.execute(
            slack_messages.update().where(slack_messages.c.incident_id == incident_id).values(updated_at=at)
        )
