"""Who may do what: roles, and the actor every command is recorded against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tocsin.domain.errors import InvalidInput, PermissionDenied


class Role(StrEnum):
    """Ordered by power: each role can do what the ones before it can. ``security`` is a
    responder who may also see restricted (security) incidents."""

    VIEWER = "viewer"
    RESPONDER = "responder"
    SECURITY = "security"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank

    @classmethod
    def parse(cls, value: str) -> Role:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise InvalidInput(f"unknown role {value!r}: allowed values are {allowed}") from None


@dataclass(frozen=True, slots=True)
class Actor:
    """Someone (or something) acting: a token, a CLI user, tocsin itself."""

    name: str
    role: Role

    def require(self, role: Role, action: str) -> None:
        if not self.role.allows(role):
            raise PermissionDenied(
                f"{action} requires the {role.value} role; {self.name} is {self.role.value}"
            )


SYSTEM = Actor(name="tocsin", role=Role.ADMIN)


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A bearer token's record. The secret itself is never stored, only its hash."""

    id: int
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None

    @property
    def actor(self) -> Actor:
        return Actor(name=f"token:{self.name}", role=self.role)
