"""GitHub issue links and webhook deliveries over the unit of work's connection; nothing here
commits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema import github_deliveries, github_issues
from tocsin.services.github.ports import IssueLink

_INSERT_DELIVERY = {
    "postgresql": postgresql.insert(github_deliveries)
    .on_conflict_do_nothing(index_elements=[github_deliveries.c.delivery_id])
    .returning(github_deliveries.c.delivery_id),
    "sqlite": sqlite.insert(github_deliveries)
    .on_conflict_do_nothing(index_elements=[github_deliveries.c.delivery_id])
    .returning(github_deliveries.c.delivery_id),
}


def _link(row: RowMapping) -> IssueLink:
    return IssueLink(
        incident_id=row["incident_id"],
        repository=row["repository"],
        number=row["number"],
        url=row["url"],
        synced_event_id=row["synced_event_id"],
        synced_at=row["synced_at"],
    )


class SqlGithubRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def link(self, incident_id: int) -> IssueLink | None:
        row = (
            self._conn.execute(sa.select(github_issues).where(github_issues.c.incident_id == incident_id))
            .mappings()
            .first()
        )
        return _link(row) if row is not None else None

    def by_number(self, repository: str, number: int) -> IssueLink | None:
        query = sa.select(github_issues).where(
            github_issues.c.repository == repository, github_issues.c.number == number
        )
        row = self._conn.execute(query).mappings().first()
        return _link(row) if row is not None else None

    def save(self, link: IssueLink, at: datetime) -> None:
        """Insert the link, or move its sync progress forward (never backward: two syncs may
        finish out of order)."""
        if self.link(link.incident_id) is None:
            self._conn.execute(
                github_issues.insert().values(
                    incident_id=link.incident_id,
                    repository=link.repository,
                    number=link.number,
                    url=link.url,
                    synced_event_id=link.synced_event_id,
                    synced_at=link.synced_at,
                    created_at=at,
                )
            )
            return
        self._conn.execute(
            github_issues.update()
            .where(
                github_issues.c.incident_id == link.incident_id,
                github_issues.c.synced_event_id <= link.synced_event_id,
            )
            .values(synced_event_id=link.synced_event_id, synced_at=link.synced_at)
        )

    def record_delivery(self, delivery_id: str, event: str, at: datetime) -> bool:
        statement = _INSERT_DELIVERY[self._conn.dialect.name]
        result = self._conn.execute(
            statement, {"delivery_id": delivery_id, "event": event, "received_at": at}
        )
        return result.first() is not None  # RETURNING: a row only when it was inserted
