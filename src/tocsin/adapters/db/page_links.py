"""``PageLinkRepository`` and ``InstallSecretRepository`` over the unit of work's connection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.schema import install_secrets, page_links
from tocsin.domain.page_link import Action, PageLink


def _insert_or_skip(
    conn: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]], column: str
) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c[column]]), list(rows))


class SqlPageLinkRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, links: Sequence[PageLink]) -> None:
        if not links:
            return
        rows = [
            {
                "token_hash": link.token_hash,
                "key": link.key,
                "incident_id": link.incident_id,
                "person_id": link.person_id,
                "action": link.action.value,
                "channel": link.channel,
                "created_at": link.created_at,
                "expires_at": link.expires_at,
            }
            for link in links
        ]
        _insert_or_skip(self._conn, page_links, rows, "token_hash")

    def find(self, token_hash: str) -> PageLink | None:
        query = sa.select(page_links).where(page_links.c.token_hash == token_hash)
        row = self._conn.execute(query).mappings().one_or_none()
        if row is None:
            return None
        return PageLink(
            token_hash=row["token_hash"],
            key=row["key"],
            incident_id=row["incident_id"],
            person_id=row["person_id"],
            action=Action(row["action"]),
            channel=row["channel"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            used_at=row["used_at"],
            used_action=Action(row["used_action"]) if row["used_action"] else None,
        )

    def use(self, key: str, action: Action, at: datetime) -> int:
        update = (
            page_links.update()
            .where(page_links.c.key == key, page_links.c.used_at.is_(None))
            .values(used_at=at, used_action=action.value)
        )
        return int(self._conn.execute(update).rowcount)


class SqlInstallSecretRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get_or_create(self, name: str, candidate: str, at: datetime) -> str:
        row = {"name": name, "value": candidate, "created_at": at}
        _insert_or_skip(self._conn, install_secrets, [row], "name")
        query = sa.select(install_secrets.c.value).where(install_secrets.c.name == name)
        return str(self._conn.execute(query).scalar_one())
