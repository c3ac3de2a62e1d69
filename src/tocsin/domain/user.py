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
# Sign-in throttle: a progressive back-off, never a lock-out. Failures within THROTTLE_WINDOW
# count; past a few free ones each further failure doubles the wait after the last one, up to a
# cap. One browser (email + client) guessing at one account waits up to 15 minutes; everyone
# together on one account makes its owner wait at most a minute (so nobody can keep the owner
# out); one client failing on many accounts waits up to 15 minutes.
THROTTLE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class Backoff:
    free: int
    cap: timedelta

    def wait(self, failures: list[datetime], at: datetime) -> timedelta | None:
        """How long until another attempt is allowed after ``failures`` (any order), or
        ``None`` if it is allowed now."""
        recent = sorted(f for f in failures if timedelta(0) <= at - f < THROTTLE_WINDOW)
        extra = len(recent) - self.free
        if extra < 0:
            return None
        delay = min(self.cap, timedelta(seconds=2 ** min(extra, 20)))
        left = recent[-1] + delay - at
        return left if left > timedelta(0) else None


PER_BROWSER = Backoff(free=5, cap=timedelta(minutes=15))
PER_ACCOUNT = Backoff(free=10, cap=timedelta(minutes=1))
PER_CLIENT = Backoff(free=20, cap=timedelta(minutes=15))


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


_EDGES = "0123456789!@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~ "


def password_stems(password: str) -> set[str]:
    """What a password is built on, to look up in a list of common passwords: itself
    (lowercase), without the digits and symbols added at either end (``password1234`` ->
    ``password``), and the unit of a repetition (``dragondragon`` -> ``dragon``). The empty
    string stands for a trivial password: digits and symbols only, one or two distinct
    characters, or a unit of at most 4 characters repeated (``abcabcabcabc``)."""
    lowered = password.lower()
    stems = {lowered, lowered.strip(_EDGES), lowered.rstrip(_EDGES), lowered.lstrip(_EDGES)}
    for size in range(1, len(lowered) // 2 + 1):
        if len(lowered) % size == 0 and lowered[:size] * (len(lowered) // size) == lowered:
            stems.add(lowered[:size] if size > 4 else "")  # a short unit repeated is trivial
            break
    if len(set(lowered)) <= 2:
        stems.add("")
    return stems
