"""Slack announcements and incident channels over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import slack_channels, slack_messages
from tocsin.services.slack.ports import IncidentChannel, Posted

_INSERT = {
    "postgresql": postgresql.insert(slack_messages).on_conflict_do_nothing(
        index_elements=[slack_messages.c.incident_id]
    ),
    "sqlite": sqlite.insert(slack_messages).on_conflict_do_nothing(
        index_elements=[slack_messages.c.incident_id]
    ),
}


_INSERT_CHANNEL = {
    "postgresql": postgresql.insert(slack_channels).on_conflict_do_nothing(
        index_elements=[slack_channels.c.incident_id]
    ),
    "sqlite": sqlite.insert(slack_channels).on_conflict_do_nothing(
        index_elements=[slack_channels.c.incident_id]
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


class SqlSlackChannelRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, incident_id: int) -> IncidentChannel | None:
        row = self._conn.execute(
            slack_channels.select().where(slack_channels.c.incident_id == incident_id)
        ).first()
        if row is None:
            return None
        return IncidentChannel(row.incident_id, row.channel, row.name, row.summary_ts, row.archived_at)

    def add(self, channel: IncidentChannel, at: datetime) -> None:
        values = {
            "incident_id": channel.incident_id,
            "channel": channel.channel,
            "name": channel.name,
            "created_at": at,
        }
        self._conn.execute(_INSERT_CHANNEL[self._conn.dialect.name], values)

    def summarised(self, incident_id: int, ts: str) -> None:
        self._conn.execute(
            slack_channels.update().where(slack_channels.c.incident_id == incident_id).values(summary_ts=ts)
        )

    def archived(self, incident_id: int, at: datetime) -> None:
        self._conn.execute(
            slack_channels.update().where(slack_channels.c.incident_id == incident_id).values(archived_at=at)
        )
