"""API tokens: created with a role, shown once, stored only as a SHA-256 hash.

Tokens are 256-bit random secrets, so a fast hash is the right tool (no password stretching
needed); lookups are by hash, so a database leak reveals no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from datetime import timedelta

from tocsin.domain.access import Actor, ApiToken, Role
from tocsin.domain.errors import Conflict, InvalidInput, NotFound
from tocsin.services.access.context import AccessContext
from tocsin.services.context import Services

PREFIX = "tocsin_"
# last_used_at is refreshed at most this often, so authenticating is a write only now and then
TOUCH_EVERY = timedelta(minutes=5)
MAX_NAME = 100


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(
    svc: AccessContext, *, name: str, role: Role, by: Actor, rotate: bool = False
) -> tuple[ApiToken, str]:
    """Return the token record and its secret; the secret cannot be recovered later.

    ``rotate`` revokes the active token of that name in the same transaction (a script run
    twice gets a fresh secret instead of a conflict)."""
    by.require(Role.ADMIN, "creating a token")
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME:
        raise InvalidInput(f"name: must be 1 to {MAX_NAME} characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    with svc.uow() as uow:
        if rotate:
            with suppress(NotFound):
                uow.tokens.revoke(cleaned, svc.clock.now())
        try:
            token = uow.tokens.add(cleaned, role, hash_secret(secret), svc.clock.now())
        except Conflict as exc:
            hint = f"revoke it (tocsin token revoke {cleaned}) or replace it (--rotate)"
            raise Conflict(f"{exc.detail}: {hint}") from None
        uow.commit()
    if rotate:
        svc.token_cache.forget()
    return token, secret


def revoke_token(svc: AccessContext, *, name: str, by: Actor) -> ApiToken:
    by.require(Role.ADMIN, "revoking a token")
    with svc.uow() as uow:
        token = uow.tokens.revoke(name.strip(), svc.clock.now())
        uow.commit()
    svc.token_cache.forget()
    return token


def list_tokens(svc: Services, *, by: Actor) -> Sequence[ApiToken]:
    by.require(Role.ADMIN, "listing tokens")
    with svc.read() as uow:
        return uow.tokens.list()


def authenticate(svc: AccessContext, secret: str) -> Actor | None:
    """The actor a bearer secret stands for, or ``None`` if it is unknown or revoked."""
    if not secret.startswith(PREFIX):
        return None
    secret_hash, now = hash_secret(secret), svc.clock.now()
    token = svc.token_cache.get(secret_hash, now)
    if token is None:
        with svc.read() as uow:
            token = uow.tokens.find_active(secret_hash)
        if token is None:
            return None
        svc.token_cache.put(secret_hash, token, now)
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        with svc.uow() as uow:
            uow.tokens.touch(token.id, now)
            uow.commit()
        svc.token_cache.update(secret_hash, replace(token, last_used_at=now))
    return token.actor
