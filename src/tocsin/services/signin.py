"""Signing in to the web UI: password check, throttle, server-side sessions.

The cookie carries a 256-bit random secret; the database keeps only its SHA-256 (a leak of the
table signs nobody in). Every sign-in starts a fresh session (no fixation). Failed attempts are
stored, so the throttle holds across replicas and restarts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tocsin.domain.errors import DomainError
from tocsin.domain.user import (
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_EMAIL,
    THROTTLE_WINDOW,
    User,
    WebSession,
    retry_after,
)
from tocsin.services.context import Services
from tocsin.services.user_ports import PasswordHasher

# last_seen_at is refreshed at most this often, so most page views are reads only
TOUCH_EVERY = timedelta(minutes=5)


class SignInFailed(DomainError):
    """Wrong email or password (never says which), or a disabled account."""

    title = "Sign-in failed"


class TooManyAttempts(DomainError):
    title = "Too many sign-in attempts"

    def __init__(self, retry_in: timedelta) -> None:
        minutes = max(1, round(retry_in.total_seconds() / 60))
        super().__init__(f"too many failed sign-ins: try again in {minutes} minute(s)")
        self.retry_in = retry_in


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    secret: str
    """The cookie value; shown to the browser once, stored only hashed."""


def session_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_throttle(svc: Services, email: str, client: str) -> None:
    now = svc.clock.now()
    since = now - THROTTLE_WINDOW
    with svc.read() as uow:
        by_email = uow.sessions.failures(email=email, since=since)
        by_client = uow.sessions.failures(client=client, since=since)
    wait = retry_after(by_email, MAX_FAILURES_PER_EMAIL, now) or retry_after(
        by_client, MAX_FAILURES_PER_CLIENT, now
    )
    if wait is not None:
        raise TooManyAttempts(wait)


def sign_in(svc: Services, hasher: PasswordHasher, *, email: str, password: str, client: str) -> SignedIn:
    """Check the password and open a session; raise ``SignInFailed`` or ``TooManyAttempts``."""
    email = email.strip().lower()[:254]
    client = client[:100]
    _check_throttle(svc, email, client)
    with svc.read() as uow:
        found = uow.users.find_by_email(email)
    if found is None:
        hasher.hash(password)  # as slow as a verification: a wrong email takes as long as a wrong password
    ok = found is not None and hasher.verify(found[1], password) and found[0].disabled_at is None
    now = svc.clock.now()
    with svc.uow() as uow:
        if found is None or not ok:
            uow.sessions.record_failure(email=email, client=client, at=now)
            uow.commit()
            raise SignInFailed("wrong email or password")
        user, password_hash = found
        if hasher.needs_rehash(password_hash):
            uow.users.set_password(user.id, hasher.hash(password))
        secret = secrets.token_urlsafe(32)
        uow.sessions.add(session_id(secret), user.id, secrets.token_urlsafe(32), now)
        uow.users.signed_in(user.id, now)
        uow.sessions.forget_failures(email, before=now - THROTTLE_WINDOW)
        uow.commit()
    return SignedIn(user=user, secret=secret)


def current_session(svc: Services, secret: str) -> WebSession | None:
    """The live session a cookie secret stands for; ``None`` if unknown, expired or disabled."""
    if not secret or len(secret) > 100:
        return None
    with svc.read() as uow:
        session = uow.sessions.get(session_id(secret))
    now = svc.clock.now()
    if session is None or not session.is_valid(now):
        return None
    if now - session.last_seen_at >= TOUCH_EVERY:
        with svc.uow() as uow:
            uow.sessions.touch(session.id, now)
            uow.commit()
    return session


def sign_out(svc: Services, secret: str) -> None:
    with svc.uow() as uow:
        uow.sessions.delete(session_id(secret))
        uow.commit()
