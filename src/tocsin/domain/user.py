"""People who sign in to the web UI, their browser sessions, and the sign-in throttle.

Pure: the password hash is computed by an adapter (argon2id); time is a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NewType

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput

UserId = NewType("UserId", int)

MAX_EMAIL = 254
LANGUAGES = ("en", "fr")  # what the web UI, e-mails, Slack texts and the CLI can speak
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# A session lasts at most this long, and ends sooner after this much inactivity.
SESSION_LIFETIME = timedelta(days=7)
SESSION_IDLE = timedelta(hours=12)
# Sign-in throttle: this many failures in the window lock the account (or the client) until
# the oldest of them leaves the window.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_CLIENT = 20


def clean_email(email: str) -> str:
    """Emails are the sign-in name: compared case-insensitively, stored lowercase."""
    cleaned = email.strip().lower()
    if len(cleaned) > MAX_EMAIL or not _EMAIL.match(cleaned):
        raise InvalidInput(f"email: not an email address: {email!r}")
    return cleaned


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"password: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"password: at most {MAX_PASSWORD} characters")
    return password


def check_language(language: str | None) -> str | None:
    """A language tocsin speaks, or ``None`` (empty) for "as my browser asks"."""
    cleaned = (language or "").strip().lower()
    if not cleaned:
        return None
    if cleaned not in LANGUAGES:
        raise InvalidInput(f"language: one of {', '.join(LANGUAGES)} (got {language!r})")
    return cleaned


@dataclass(frozen=True, slots=True)
class User:
    id: UserId
    email: str
    name: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    language: str | None = None  # "en", "fr"; None: the browser's, then server.language

    @property
    def actor(self) -> Actor:
        """Everything a signed-in person does is recorded against their email."""
        return Actor(name=self.email, role=self.role)

    @property
    def display_name(self) -> str:
        return self.name or self.email


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser. The cookie holds a secret; only its hash identifies the row."""

    id: str
    user: User
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime

    def expires_at(self) -> datetime:
        return min(self.created_at + SESSION_LIFETIME, self.last_seen_at + SESSION_IDLE)

    def is_valid(self, at: datetime) -> bool:
        return self.user.disabled_at is None and at < self.expires_at()


def retry_after(failures: list[datetime], limit: int, at: datetime) -> timedelta | None:
    """How long until another attempt is allowed, or ``None`` if it is allowed now.

    ``failures`` are the failed attempts inside the window (any order)."""
    recent = sorted(f for f in failures if at - f < THROTTLE_WINDOW)
    if len(recent) < limit:
        return None
    oldest_that_counts = recent[-limit]
    return max(oldest_that_counts + THROTTLE_WINDOW - at, timedelta(seconds=1))
