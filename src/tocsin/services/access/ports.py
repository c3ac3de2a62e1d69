"""What the account and sign-in use cases need from the outside world (see ``ports.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tocsin.domain.access import Role
from tocsin.domain.user import User, UserId, WebSession


class PasswordHasher(Protocol):
    """argon2id in production (``adapters/passwords.py``)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool:
        """False for a wrong password; never raises for one."""
        ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def is_common(self, password: str) -> bool:
        """On the common-password list, or built on an entry of it: refused as a new password."""
        ...


class UserRepository(Protocol):
    def add(self, *, email: str, name: str, role: Role, password_hash: str, at: datetime) -> User:
        """Raise ``Conflict`` if a user has this email."""
        ...

    def get(self, user_id: UserId) -> User:
        """Raise ``NotFound`` if absent."""
        ...

    def find_by_email(self, email: str) -> tuple[User, str] | None:
        """The user and their password hash."""
        ...

    def list(self) -> Sequence[User]: ...

    def set_password(self, user_id: UserId, password_hash: str) -> None: ...

    def set_language(self, user_id: UserId, language: str | None) -> None: ...

    def signed_in(self, user_id: UserId, at: datetime) -> None: ...


class SessionRepository(Protocol):
    """Browser sessions and the failed sign-ins that throttle new ones."""

    def add(self, session_id: str, user_id: UserId, csrf_token: str, at: datetime) -> None: ...

    def get(self, session_id: str) -> WebSession | None: ...

    def touch(self, session_id: str, at: datetime) -> None: ...

    def delete(self, session_id: str) -> None: ...

    def delete_for_user(self, user_id: UserId) -> None: ...

    def record_failure(self, *, email: str, client: str, at: datetime) -> None: ...

    def failures(
        self, *, email: str | None = None, client: str | None = None, since: datetime
    ) -> list[datetime]:
        """Failed sign-ins after ``since`` for this email, this client, or (both given) this
        email from this client."""
        ...

    def forget_failures(self, email: str, *, before: datetime) -> None:
        """Drop this email's failures, and everyone's older than ``before``."""
        ...
