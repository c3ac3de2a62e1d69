"""``SendRepository`` over the ``outbound_sends`` table (see ``services.outbound``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import outbound_sends

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class SqlSendRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def start(self, key: str, at: datetime) -> int:
        insert = _INSERT[self._conn.dialect.name](outbound_sends).values(key=key, started_at=at, attempts=1)
        upsert = insert.on_conflict_do_update(
            index_elements=[outbound_sends.c.key],
            set_={"attempts": outbound_sends.c.attempts + 1, "started_at": at},
        ).returning(outbound_sends.c.attempts)
        return int(self._conn.execute(upsert).scalar_one())

    def finish(self, key: str) -> None:
        self._conn.execute(sa.delete(outbound_sends).where(outbound_sends.c.key == key))
