"""User, session and failed-sign-in repositories over the unit of work's connection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from tocsin.adapters.db.schema import login_failures, users, web_sessions
from tocsin.domain.access import Role
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.user import User, UserId, WebSession


def to_user(row: RowMapping) -> User:
    return User(
        id=UserId(row["id"]),
        email=row["email"],
        name=row["name"],
        role=Role(row["role"]),
        created_at=row["created_at"],
        disabled_at=row["disabled_at"],
        last_sign_in_at=row["last_sign_in_at"],
        language=row["language"],
    )


class SqlUserRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, *, email: str, name: str, role: Role, password_hash: str, at: datetime) -> User:
        """The insert runs in a savepoint, so a duplicate leaves the unit of work usable."""
        insert = (
            users.insert()
            .values(email=email, name=name, role=role.value, password_hash=password_hash, created_at=at)
            .returning(*users.c)
        )
        try:
            with self._conn.begin_nested():
                row = self._conn.execute(insert).mappings().one()
        except IntegrityError:
            raise Conflict(f"a user with email {email!r} already exists") from None
        return to_user(row)

    def get(self, user_id: UserId) -> User:
        row = self._conn.execute(sa.select(users).where(users.c.id == user_id)).mappings().one_or_none()
        if row is None:
            raise NotFound(f"user {user_id} does not exist")
        return to_user(row)

    def find_by_email(self, email: str) -> tuple[User, str] | None:
        row = self._conn.execute(sa.select(users).where(users.c.email == email)).mappings().one_or_none()
        return (to_user(row), str(row["password_hash"])) if row else None

    def list(self) -> Sequence[User]:
        query = sa.select(users).order_by(users.c.email)
        return [to_user(r) for r in self._conn.execute(query).mappings()]

    def set_password(self, user_id: UserId, password_hash: str) -> None:
        self._conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))

    def set_language(self, user_id: UserId, language: str | None) -> None:
        self._conn.execute(users.update().where(users.c.id == user_id).values(language=language))

    def signed_in(self, user_id: UserId, at: datetime) -> None:
        self._conn.execute(users.update().where(users.c.id == user_id).values(last_sign_in_at=at))


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, session_id: str, user_id: UserId, csrf_token: str, at: datetime) -> None:
        self._conn.execute(
            web_sessions.insert().values(
                id=session_id, user_id=user_id, csrf_token=csrf_token, created_at=at, last_seen_at=at
            )
        )

    def get(self, session_id: str) -> WebSession | None:
        query = (
            sa.select(
                web_sessions.c.csrf_token,
                web_sessions.c.created_at.label("session_created_at"),
                web_sessions.c.last_seen_at,
                *users.c,
            )
            .join(users, users.c.id == web_sessions.c.user_id)
            .where(web_sessions.c.id == session_id)
        )
        row = self._conn.execute(query).mappings().one_or_none()
        if row is None:
            return None
        return WebSession(
            id=session_id,
            user=to_user(row),
            csrf_token=row["csrf_token"],
            created_at=row["session_created_at"],
            last_seen_at=row["last_seen_at"],
        )

    def touch(self, session_id: str, at: datetime) -> None:
        self._conn.execute(
            web_sessions.update().where(web_sessions.c.id == session_id).values(last_seen_at=at)
        )

    def delete(self, session_id: str) -> None:
        self._conn.execute(web_sessions.delete().where(web_sessions.c.id == session_id))

    def delete_for_user(self, user_id: UserId) -> None:
        self._conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user_id))

    def record_failure(self, *, email: str, client: str, at: datetime) -> None:
        self._conn.execute(login_failures.insert().values(email=email, client=client, at=at))

    def failures(
        self, *, email: str | None = None, client: str | None = None, since: datetime
    ) -> list[datetime]:
        query = sa.select(login_failures.c.at).where(login_failures.c.at > since)
        if email is not None:
            query = query.where(login_failures.c.email == email)
        if client is not None:
            query = query.where(login_failures.c.client == client)
        return list(self._conn.execute(query.limit(1000)).scalars())

    def forget_failures(self, email: str, *, before: datetime) -> None:
        self._conn.execute(
            login_failures.delete().where(
                sa.or_(login_failures.c.email == email, login_failures.c.at < before)
            )
        )
