"""The profile page's use cases: a signed-in user's own directory person, their contact methods
(with the directory's e-mail and Slack shown alongside), checking a verification code with the
reason it failed, removing a method they added, and their rule and quiet hours.

Adding a method, sending a code and saving a rule are ``services.paging.contacts``' own use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta
from enum import Enum

from tocsin.domain.contacts import ADDRESSED, CHANNELS, ContactMethod, PersonRule, check_address
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.notification import Person
from tocsin.services.context import Services
from tocsin.services.paging import contacts
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork


def person_of(svc: PagingContext, email: str) -> Person | None:
    """The directory person whose e-mail is the user's (case does not matter)."""
    wanted = email.strip().lower()
    for person in svc.paging.directory.people.values():
        if person.email.strip().lower() == wanted:
            return person
    return None


@dataclass(frozen=True, slots=True)
class MethodRow:
    """One line of the profile's contact methods."""

    channel: str
    address: str
    verified: bool
    source: str  # "config", "profile" or "directory" (the e-mail and Slack of the people entry)
    code_pending: bool = False
    configured: bool = True  # tocsin has this channel (a code can be sent, pages can go)

    @property
    def removable(self) -> bool:
        return self.source == "profile"


@dataclass(frozen=True, slots=True)
class Profile:
    person: Person
    methods: tuple[MethodRow, ...]
    rule: PersonRule
    own_rule: bool  # saved on this page (else the config's or the default)
    channels: frozenset[str]  # the channels tocsin is set up to send through


def profile(svc: PagingContext, person: Person) -> Profile:
    now = svc.clock.now()
    channels = frozenset(svc.paging.channels)
    with svc.read() as uow:
        methods = _all(svc, uow, person)
        own = uow.contacts.rule(person.id, person.timezone)
        rule = own or svc.paging.rule_of(person.id)
        rows: dict[tuple[str, str], MethodRow] = {}
        for method in methods:
            key = (method.channel, method.address)
            if key in rows:
                continue
            pending = uow.contacts.pending_code(method) if not method.verified else None
            rows[key] = MethodRow(
                method.channel,
                method.address,
                method.verified,
                method.source,
                code_pending=pending is not None and pending.expires_at.astimezone(UTC) > now,
                configured=method.channel in channels,
            )
    directory = [MethodRow("email", person.email, True, "directory", configured="email" in channels)]
    if person.slack_user_id:
        directory.append(
            MethodRow("slack", person.slack_user_id, True, "directory", configured="slack" in channels)
        )
    added = sorted(rows.values(), key=lambda r: (CHANNELS.index(r.channel), r.address))
    return Profile(person, (*directory, *added), rule, own is not None, channels)


def _all(svc: PagingContext, uow: UnitOfWork, person: Person) -> list[ContactMethod]:
    """Stored methods, attested config ones, then config ones not seeded yet."""
    methods = contacts.methods_of(svc, uow, [person.id])
    known = {(m.channel, m.address) for m in methods}
    unseeded = [
        m for m in svc.paging.contacts if m.person_id == person.id and (m.channel, m.address) not in known
    ]
    return [*methods, *unseeded]


def method_of(svc: PagingContext, person: Person, channel: str, address: str) -> ContactMethod:
    """One of the person's methods (``NotFound`` when they have none at that address)."""
    with svc.read() as uow:
        for method in _all(svc, uow, person):
            if method.channel == channel and method.address == address:
                return method
    raise NotFound(f"you have no {channel} method {address!r}")


def add(svc: PagingContext, person: Person, channel: str, address: str) -> ContactMethod:
    """A new unverified method; ``InvalidInput`` for a channel this page does not add, a bad
    address, or a method the person already has."""
    if channel not in ADDRESSED:
        raise InvalidInput(f"a {channel!r} method cannot be added here (one of {', '.join(ADDRESSED)})")
    address = check_address(channel, address)
    with svc.read() as uow:
        if any(m.channel == channel and m.address == address for m in _all(svc, uow, person)):
            raise InvalidInput(f"you already have the {channel} method {address}")
    return contacts.add_method(svc, person.id, channel, address)


RESEND_AFTER = timedelta(minutes=1)
"""A new code no sooner than this after the last one (each costs an SMS or a call)."""


class CodeTooSoon(InvalidInput):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"a code was sent less than a minute ago: wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


def send_code(svc: PagingContext, person: Person, channel: str, address: str) -> ContactMethod:
    """Send a code to one of the person's unverified methods (a config method is stored first);
    ``CodeTooSoon`` within a minute of the last code."""
    method = method_of(svc, person, channel, address)
    if method.verified:
        raise InvalidInput(f"the {channel} method {address} is already verified")
    now = svc.clock.now()
    with svc.read() as uow:
        pending = uow.contacts.pending_code(method)
    if pending is not None:
        sent_at = pending.expires_at.astimezone(UTC) - contacts.CODE_TTL
        if now < sent_at + RESEND_AFTER:
            raise CodeTooSoon(int((sent_at + RESEND_AFTER - now).total_seconds()) + 1)
    if method.source == "config":
        with svc.uow() as uow:
            uow.contacts.add(method, svc.clock.now())  # left as it is when already stored
            uow.commit()
    contacts.send_code(svc, method)
    return method


class CodeCheck(Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    EXPIRED = "expired"
    TOO_MANY = "too_many"
    NONE_SENT = "none_sent"
    ALREADY = "already"


@dataclass(frozen=True, slots=True)
class CodeResult:
    outcome: CodeCheck
    attempts_left: int = 0


def check_code(svc: Services, method: ContactMethod, code: str) -> CodeResult:
    """Verify ``code`` for ``method`` (``services.paging.contacts.verify``), saying why it did not work:
    no code sent, expired, too many wrong codes, or wrong (with the attempts left)."""
    if method.verified:
        return CodeResult(CodeCheck.ALREADY)
    now = svc.clock.now()
    with svc.read() as uow:
        pending = uow.contacts.pending_code(method)
    if pending is None:
        return CodeResult(CodeCheck.NONE_SENT)
    if pending.expires_at.astimezone(UTC) <= now:
        return CodeResult(CodeCheck.EXPIRED)
    if pending.attempts >= contacts.MAX_ATTEMPTS:
        return CodeResult(CodeCheck.TOO_MANY)
    if contacts.verify(svc, method, code):
        return CodeResult(CodeCheck.VERIFIED)
    return CodeResult(CodeCheck.WRONG, contacts.MAX_ATTEMPTS - pending.attempts - 1)


def remove(svc: PagingContext, person: Person, channel: str, address: str) -> None:
    """Remove a method the person added here; one from the config stays (``InvalidInput``)."""
    method = method_of(svc, person, channel, address)
    if method.source != "profile":
        raise InvalidInput(
            f"the {channel} method {address} comes from the configuration: an admin removes it"
        )
    contacts.remove_method(svc, person.id, channel, address)
