"""``SendRepository`` over the ``outbound_sends`` table (see ``services.outbound.sends``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import outbound_sends


class SqlSendRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def start(self, key: str, at: datetime) -> int:
        values = {"key": key, "started_at": at, "attempts": 1}
        again = {"attempts": outbound_sends.c.attempts + 1, "started_at": at}
        statement: sa.Insert
        if self._conn.dialect.name == "postgresql":
            upsert = postgresql.insert(outbound_sends).values(values)
            statement = upsert.on_conflict_do_update(index_elements=[outbound_sends.c.key], set_=again)
        else:
            lite = sqlite.insert(outbound_sends).values(values)
            statement = lite.on_conflict_do_update(index_elements=[outbound_sends.c.key], set_=again)
        return int(self._conn.execute(statement.returning(outbound_sends.c.attempts)).scalar_one())

    def finish(self, key: str) -> None:
        self._conn.execute(sa.delete(outbound_sends).where(outbound_sends.c.key == key))
