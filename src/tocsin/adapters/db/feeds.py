"""Secret iCal feed tokens (only their SHA-256 is stored) over the unit of work's connection."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import calendar_feeds
from tocsin.services.paging.ports import Feed


class SqlFeedRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, kind: str, subject: str, token_hash: str, at: datetime) -> Feed:
        row = (
            self._conn.execute(
                calendar_feeds.insert()
                .values(kind=kind, subject=subject, token_hash=token_hash, created_at=at)
                .returning(*calendar_feeds.c)
            )
            .mappings()
            .one()
        )
        return Feed(row["id"], row["kind"], row["subject"], row["created_at"])

    def find(self, token_hash: str) -> Feed | None:
        query = sa.select(calendar_feeds).where(
            calendar_feeds.c.token_hash == token_hash, calendar_feeds.c.revoked_at.is_(None)
        )
        row = self._conn.execute(query).mappings().one_or_none()
        return Feed(row["id"], row["kind"], row["subject"], row["created_at"]) if row else None

    def revoke(self, kind: str, subject: str, at: datetime) -> int:
        update = (
            calendar_feeds.update()
            .where(
                calendar_feeds.c.kind == kind,
                calendar_feeds.c.subject == subject,
                calendar_feeds.c.revoked_at.is_(None),
            )
            .values(revoked_at=at)
        )
        return int(self._conn.execute(update).rowcount)
