"""Signing in to the web UI: password check, throttle, server-side sessions.

The cookie carries a 256-bit random secret; the database keeps only its SHA-256 (a leak of the
table signs nobody in). Every sign-in starts a fresh session (no fixation). Failed attempts are
stored, so the throttle holds across replicas and restarts. The throttle is a progressive
back-off (``domain.user.Backoff``), never a lock-out: a stranger failing on your account makes
you wait a minute at most.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tocsin.domain.errors import DomainError
from tocsin.domain.user import (
    PER_ACCOUNT,
    PER_BROWSER,
    PER_CLIENT,
    THROTTLE_WINDOW,
    User,
    WebSession,
)
from tocsin.services.access.ports import PasswordHasher
from tocsin.services.context import Services

# last_seen_at is refreshed at most this often, so most page views are reads only
TOUCH_EVERY = timedelta(minutes=5)


class SignInFailed(DomainError):
    """Wrong email or password (never says which), or a disabled account."""

    title = "Sign-in failed"


class TooManyAttempts(DomainError):
    title = "Too many sign-in attempts"

    def __init__(self, retry_in: timedelta) -> None:
        self.seconds = max(1, -int(-retry_in.total_seconds() // 1))  # rounded up
        super().__init__(f"too many failed sign-ins: try again in {_spell(self.seconds)}")
        self.retry_in = retry_in


def _spell(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


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
        from_here = uow.sessions.failures(email=email, client=client, since=since)
    waits = [
        PER_BROWSER.wait(from_here, now),
        PER_ACCOUNT.wait(by_email, now),
        PER_CLIENT.wait(by_client, now),
    ]
    longest = max((w for w in waits if w is not None), default=None)
    if longest is not None:
        raise TooManyAttempts(longest)


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
