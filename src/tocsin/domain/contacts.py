"""How a page reaches one person: their contact methods, their notification rule (which
method fires after how long while the page is unacknowledged) and their quiet hours. Pure:
time is always a parameter.

* A **contact method** is a channel and an address (``sms`` and an E.164 number, ``push`` and
  an ntfy topic…). Only *verified* methods are ever paged: a code sent to the method proves it
  reaches its owner (or the admin attests it in the config with ``verified: true``). The
  directory's e-mail address counts as verified; the console (development) needs no address.
* A **rule** is a list of ``(channel, after)`` entries. The default: push and e-mail at once,
  an SMS after 2 minutes, a call after 5 minutes.
* **Quiet hours** (``22:00``–``07:00`` in the person's time zone): a P0/P1 page ignores them, a
  P2/P3 page waits for their end (``page_time``).

``plan`` turns one page for one person into the ``(channel, address, due_at)`` entries to send.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from tocsin.domain.errors import InvalidInput
from tocsin.domain.localtime import wall_to_utc, zone
from tocsin.domain.severity import Severity

CHANNELS = ("push", "email", "sms", "voice", "slack", "console")
"""Channels a person can be reached through (``webhook`` is not a person's)."""
PHONE_CHANNELS = ("sms", "voice")
ADDRESSED = ("push", "sms", "voice")
"""Channels whose address is a contact method of the person (e-mail and Slack come from the
directory, the console needs none)."""
URGENT = frozenset({Severity.P0, Severity.P1})

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def e164(number: str) -> str:
    """The number in E.164 (``+32470123456``): spaces, dots, dashes and brackets are dropped;
    anything else raises ``InvalidInput`` naming the number."""
    compact = re.sub(r"[\s.()\-]", "", number)
    if not _E164.match(compact):
        raise InvalidInput(
            f"not an E.164 phone number: {number!r} (write + then the country code and number, "
            "e.g. +32470123456)"
        )
    return compact


def check_address(channel: str, address: str) -> str:
    """The address normalised for ``channel``; ``InvalidInput`` when it cannot be one."""
    if channel not in CHANNELS:
        raise InvalidInput(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    if channel in PHONE_CHANNELS:
        return e164(address)
    if channel == "push" and not _TOPIC.match(address):
        raise InvalidInput(f"not an ntfy topic: {address!r} (letters, digits, '_' and '-', at most 64)")
    if channel == "email" and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", address):
        raise InvalidInput(f"not an email address: {address!r}")
    if not address:
        raise InvalidInput(f"an empty {channel} address")
    return address


@dataclass(frozen=True, slots=True)
class ContactMethod:
    person_id: str
    channel: str
    address: str
    verified_at: datetime | None = None
    source: str = "profile"  # "config" (seeded from tocsin.yaml) or "profile" (added by the person)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


@dataclass(frozen=True, slots=True)
class RuleEntry:
    channel: str
    after: timedelta

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise InvalidInput(f"unknown channel {self.channel!r} (one of {', '.join(CHANNELS)})")
        if self.after < timedelta(0):
            raise InvalidInput(f"a negative delay for {self.channel}: {self.after}")


DEFAULT_RULE: tuple[RuleEntry, ...] = (
    RuleEntry("push", timedelta(0)),
    RuleEntry("email", timedelta(0)),
    RuleEntry("sms", timedelta(minutes=2)),
    RuleEntry("voice", timedelta(minutes=5)),
)

ATTESTED = datetime(1970, 1, 1, tzinfo=UTC)
"""``verified_at`` of a method the config attests (``verified: true``) before it is seeded."""


@dataclass(frozen=True, slots=True)
class QuietHours:
    """``start``–``end`` local time in ``timezone`` (crossing midnight when ``end <= start``)."""

    start: time
    end: time
    timezone: str = "UTC"

    def end_after(self, at: datetime) -> datetime | None:
        """The end of the quiet period ``at`` falls in, or None when ``at`` is not quiet."""
        tz = zone(self.timezone)
        local = at.astimezone(tz)
        day = local.date()
        for start_day in (day - timedelta(days=1), day):
            start = wall_to_utc(start_day, self.start, tz)
            end_day = start_day + timedelta(days=1) if self.end <= self.start else start_day
            end = wall_to_utc(end_day, self.end, tz)
            if start <= at < end:
                return end
        return None


@dataclass(frozen=True, slots=True)
class PersonRule:
    """A person's rule and quiet hours (the default rule and none when they wrote nothing)."""

    rule: tuple[RuleEntry, ...] = DEFAULT_RULE
    quiet: QuietHours | None = None


def page_time(at: datetime, severity: Severity, quiet: QuietHours | None) -> datetime:
    """When a page planned for ``at`` may go: at once for a P0/P1 or outside quiet hours, at
    their end otherwise."""
    if quiet is None or severity in URGENT:
        return at
    end = quiet.end_after(at)
    return end.astimezone(UTC) if end is not None else at


@dataclass(frozen=True, slots=True)
class Planned:
    """One page to send: through ``channel`` to ``address`` at ``due_at``."""

    channel: str
    address: str
    due_at: datetime


def plan(
    *,
    person_id: str,
    email: str,
    slack_user_id: str | None,
    methods: Iterable[ContactMethod],
    rule: Sequence[RuleEntry],
    quiet: QuietHours | None,
    severity: Severity,
    at: datetime,
    available: Iterable[str],
) -> list[Planned]:
    """The entries of ``rule`` that can reach the person, each at ``page_time(at + after)``,
    in due order. A channel tocsin has (``available``) but the person has no *verified*
    method for is left out; an unverified method is never paged. The console (development)
    and a Slack DM go at once unless the rule names them. A channel listed twice goes at its
    first entry."""
    channels = set(available)
    verified: dict[str, str] = {}
    for method in methods:
        if method.person_id == person_id and method.verified and method.channel not in verified:
            verified[method.channel] = method.address
    if email:
        verified.setdefault("email", email)
    if slack_user_id:
        verified.setdefault("slack", slack_user_id)
    verified["console"] = person_id
    entries: dict[str, Planned] = {}
    named = {entry.channel for entry in rule}
    for direct in ("slack", "console"):  # the directory's own channels go at once unless ruled
        if direct in channels and direct not in named and direct in verified:
            entries[direct] = Planned(direct, verified[direct], at)
    for entry in rule:
        if entry.channel in entries or entry.channel not in channels or entry.channel not in verified:
            continue
        due = page_time(at + entry.after, severity, quiet)
        entries[entry.channel] = Planned(entry.channel, verified[entry.channel], due)
    return sorted(entries.values(), key=lambda p: (p.due_at, CHANNELS.index(p.channel)))


def rules_end(planned: Iterable[Planned], at: datetime) -> datetime:
    """When the last planned page goes (``at`` when none is planned)."""
    return max((p.due_at for p in planned), default=at)
