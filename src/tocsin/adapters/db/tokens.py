"""API tokens: stored by the hash of their secret, revoked by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tocsin.adapters.db import rows
from tocsin.adapters.db.schema import api_tokens
from tocsin.domain.access import ApiToken, Role
from tocsin.domain.errors import Conflict, NotFound


class SqlTokenRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, name: str, role: Role, secret_hash: str, at: datetime) -> ApiToken:
        """The insert runs in a savepoint, so a duplicate leaves the unit of work usable."""
        insert = (
            api_tokens.insert()
            .values(name=name, role=role.value, secret_hash=secret_hash, created_at=at)
            .returning(*api_tokens.c)
        )
        try:
            with self._conn.begin_nested():
                row = self._conn.execute(insert).mappings().one()
        except IntegrityError:
            raise Conflict(f"an active token named {name!r} already exists") from None
        return rows.to_token(row)

    def find_active(self, secret_hash: str) -> ApiToken | None:
        query = sa.select(api_tokens).where(
            api_tokens.c.secret_hash == secret_hash, api_tokens.c.revoked_at.is_(None)
        )
        row = self._conn.execute(query).mappings().one_or_none()
        return rows.to_token(row) if row else None

    def revoke(self, name: str, at: datetime) -> ApiToken:
        update = (
            api_tokens.update()
            .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(*api_tokens.c)
        )
        row = self._conn.execute(update).mappings().one_or_none()
        if row is None:
            raise NotFound(f"no active token named {name!r}")
        return rows.to_token(row)

    def list(self) -> Sequence[ApiToken]:
        query = sa.select(api_tokens).order_by(api_tokens.c.created_at, api_tokens.c.id)
        return [rows.to_token(r) for r in self._conn.execute(query).mappings()]

    def touch(self, token_id: int, at: datetime) -> None:
        self._conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=at))
