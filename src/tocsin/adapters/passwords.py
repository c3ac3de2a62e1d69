"""Password hashing with argon2id (argon2-cffi, RFC 9106 low-memory profile by default), and
the common-password check against the vendored list (``documents/common-passwords.txt``, its
source and licence in ``documents/common-passwords.md``)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib import resources

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from tocsin.domain.user import password_stems

COMMON_PASSWORDS = "documents/common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("tocsin").joinpath(COMMON_PASSWORDS).read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def is_common(password: str) -> bool:
    """On the list, built on an entry of it (digits or symbols added at an end, a repetition),
    or made of digits and symbols only."""
    stems = password_stems(password)
    return "" in stems or not stems.isdisjoint(common_passwords())


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

    def is_common(self, password: str) -> bool:
        return is_common(password)

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except InvalidHashError:
            return False
