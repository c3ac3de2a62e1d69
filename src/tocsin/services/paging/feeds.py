"""Secret iCal feeds: a schedule's shifts, or one person's shifts across every schedule.

The URL carries a random token (shown once at creation); only its SHA-256 is stored, so a
database leak does not leak the feeds. Anyone holding the URL can read the feed and nothing
else; revoking a subject's feeds invalidates the URLs handed out.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.oncall import Shift
from tocsin.services.context import Services
from tocsin.services.paging import oncall
from tocsin.services.paging.context import PagingContext
from tocsin.services.paging.ports import Feed

PAST = timedelta(days=14)
FUTURE = timedelta(days=90)
KINDS = ("schedule", "person")


@dataclass(frozen=True, slots=True)
class Entry:
    schedule_id: str
    schedule_name: str
    person_id: str
    person_name: str
    shift: Shift


@dataclass(frozen=True, slots=True)
class Calendar:
    name: str
    entries: tuple[Entry, ...]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(svc: PagingContext, kind: str, subject: str, *, by: Actor) -> tuple[Feed, str]:
    """A new feed for a schedule or a person; returns it with its secret token (shown once)."""
    by.require(Role.ADMIN, "creating a calendar feed")
    directory = svc.paging.directory
    known = directory.schedules if kind == "schedule" else directory.people if kind == "person" else None
    if known is None:
        raise InvalidInput(f"kind: one of {', '.join(KINDS)}")
    if subject not in known:
        raise NotFound(f"{kind} {subject!r} does not exist")
    token = secrets.token_urlsafe(24)
    with svc.uow() as uow:
        feed = uow.feeds.add(kind, subject, token_hash(token), svc.clock.now())
        uow.commit()
    return feed, token


def revoke_feeds(svc: Services, kind: str, subject: str, *, by: Actor) -> int:
    by.require(Role.ADMIN, "revoking calendar feeds")
    with svc.uow() as uow:
        count = uow.feeds.revoke(kind, subject, svc.clock.now())
        uow.commit()
    return count


def calendar(svc: PagingContext, token: str) -> Calendar:
    """The feed behind ``token`` (two weeks back, three months ahead); ``NotFound`` otherwise,
    the same answer for a wrong token and a revoked one."""
    with svc.read() as uow:
        feed = uow.feeds.find(token_hash(token))
    paging = svc.paging
    if feed is None or (
        feed.subject not in paging.directory.schedules and feed.subject not in paging.directory.people
    ):
        raise NotFound("no such calendar feed")
    now = svc.clock.now()
    start, end = now - PAST, now + FUTURE
    if feed.kind == "schedule":
        pairs = [(feed.subject, s) for s in oncall.schedule_shifts(paging, feed.subject, start, end)]
        name = paging.directory.schedules[feed.subject].name
    else:
        pairs = oncall.person_shifts(paging, feed.subject, start, end)
        name = f"On call: {paging.directory.people[feed.subject].name}"
    return Calendar(name=name, entries=tuple(_entry(svc, ident, shift) for ident, shift in pairs))


def _entry(svc: PagingContext, schedule_id: str, shift: Shift) -> Entry:
    directory = svc.paging.directory
    person = directory.people.get(shift.person)
    return Entry(
        schedule_id=schedule_id,
        schedule_name=directory.schedules[schedule_id].name,
        person_id=shift.person,
        person_name=person.name if person else shift.person,
        shift=shift,
    )
