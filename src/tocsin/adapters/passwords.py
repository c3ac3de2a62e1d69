"""Password hashing with argon2id (argon2-cffi, RFC 9106 low-memory profile by default)."""

from __future__ import annotations

from dataclasses import replace

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY


class Argon2Passwords:
    """``time_cost``/``memory_cost`` can be lowered for tests; production keeps the defaults."""

    def __init__(self, *, time_cost: int | None = None, memory_cost: int | None = None) -> None:
        profile = replace(
            RFC_9106_LOW_MEMORY,
            time_cost=time_cost or RFC_9106_LOW_MEMORY.time_cost,
            memory_cost=memory_cost or RFC_9106_LOW_MEMORY.memory_cost,
        )
        self._argon2 = Argon2.from_parameters(profile)

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False
