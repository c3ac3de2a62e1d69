"""Deploys over the unit of work's connection; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from tocsin.adapters.db.schema.deploys import deploys
from tocsin.domain.deploy import Deploy


def _deploy(row: RowMapping) -> Deploy:
    return Deploy(
        id=row["id"],
        source=row["source"],
        service=row["service"],
        version=row["version"],
        environment=row["environment"],
        url=row["url"],
        author=row["author"],
        status=row["status"],
        external_id=row["external_id"] or "",
        deployed_at=row["deployed_at"],
        received_at=row["received_at"],
    )


def _values(deploy: Deploy) -> dict[str, Any]:
    return {
        "source": deploy.source[:100],
        "service": deploy.service[:200],
        "version": deploy.version[:200],
        "environment": deploy.environment[:100],
        "url": deploy.url[:2000],
        "author": deploy.author[:200],
        "status": deploy.status[:40],
        "external_id": deploy.external_id[:200] or None,
        "deployed_at": deploy.deployed_at,
        "received_at": deploy.received_at,
    }


class SqlDeployRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, deploy: Deploy) -> Deploy | None:
        """Store it; ``None`` when this source already sent this external id (a redelivery)."""
        if deploy.external_id:
            query = sa.select(deploys.c.id).where(
                deploys.c.source == deploy.source, deploys.c.external_id == deploy.external_id
            )
            if self._conn.execute(query).first() is not None:
                return None
        inserted = self._conn.execute(deploys.insert().values(**_values(deploy)).returning(deploys.c.id))
        return Deploy(**{**_values(deploy), "external_id": deploy.external_id, "id": inserted.scalar_one()})

    def between(
        self, start: datetime, end: datetime, *, services: Sequence[str] | None = None, limit: int = 200
    ) -> Sequence[Deploy]:
        query = sa.select(deploys).where(deploys.c.deployed_at >= start, deploys.c.deployed_at <= end)
        if services is not None:
            query = query.where(deploys.c.service.in_(list(services)[:500]))
        query = query.order_by(deploys.c.deployed_at.desc(), deploys.c.id.desc()).limit(limit)
        return [_deploy(r) for r in self._conn.execute(query).mappings()]

    def list(
        self, *, service: str | None = None, environment: str | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[Deploy]:
        query = sa.select(deploys)
        if service:
            query = query.where(deploys.c.service == service)
        if environment:
            query = query.where(deploys.c.environment == environment)
        query = query.order_by(deploys.c.deployed_at.desc(), deploys.c.id.desc()).limit(limit).offset(offset)
        return [_deploy(r) for r in self._conn.execute(query).mappings()]

    def get(self, deploy_id: int) -> Deploy | None:
        row = self._conn.execute(sa.select(deploys).where(deploys.c.id == deploy_id)).mappings().first()
        return _deploy(row) if row is not None else None
