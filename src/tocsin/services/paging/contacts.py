"""Contact methods and personal rules: the methods a page may use, seeding the config's
methods, and verification codes.

A method reaches pages only once verified: ``send_code`` sends a 6-digit code through the
method itself (an SMS to the number, a call that reads it, a push to the topic), stored hashed
and valid 10 minutes; ``verify`` checks it, at most 5 attempts per code. A method the config
attests (``verified: true``) is verified when it is seeded.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, timedelta

from tocsin.domain import contacts as domain
from tocsin.domain.contacts import ContactMethod, PersonRule
from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.notification import Notification, Person, Purpose, Trigger
from tocsin.services.context import Services
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def seed_from_config(svc: PagingContext) -> None:
    """Make the stored ``config`` methods those of ``people.<id>.contact`` (run at start)."""
    with svc.uow() as uow:
        uow.contacts.seed(svc.paging.contacts, svc.clock.now())
        uow.commit()


def methods_of(svc: PagingContext, uow: UnitOfWork, person_ids: Sequence[str]) -> list[ContactMethod]:
    """The people's stored methods, and the ones the config attests (even before seeding)."""
    stored = uow.contacts.methods(person_ids)
    known = {(m.person_id, m.channel, m.address) for m in stored if m.verified}
    attested = [
        m
        for m in svc.paging.contacts
        if m.person_id in person_ids and m.verified and (m.person_id, m.channel, m.address) not in known
    ]
    return [*stored, *attested]


def people_by_number(svc: PagingContext, uow: UnitOfWork, channel: str, number: str) -> list[str]:
    """The ids of the people whose verified ``channel`` method is ``number``."""
    found = [m.person_id for m in uow.contacts.verified_by_address(channel, number)]
    found += [
        m.person_id
        for m in svc.paging.contacts
        if m.channel == channel and m.address == number and m.verified
    ]
    return list(dict.fromkeys(p for p in found if p in svc.paging.directory.people))


def rule_of(svc: PagingContext, uow: UnitOfWork, person: Person) -> PersonRule:
    """The person's own rule (profile) or the config's (or the default)."""
    return uow.contacts.rule(person.id, person.timezone) or svc.paging.rule_of(person.id)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def add_method(svc: PagingContext, person_id: str, channel: str, address: str) -> ContactMethod:
    """A new, unverified method of the person (``InvalidInput`` for a bad address)."""
    if person_id not in svc.paging.directory.people:
        raise NotFound(f"no person {person_id!r}")
    method = ContactMethod(person_id, channel, domain.check_address(channel, address), None, "profile")
    with svc.uow() as uow:
        uow.contacts.add(method, svc.clock.now())
        uow.commit()
    return method


def send_code(svc: PagingContext, method: ContactMethod) -> None:
    """Send a fresh code through the method's own channel; it replaces any pending one."""
    person = svc.paging.directory.people.get(method.person_id)
    if person is None:
        raise NotFound(f"no person {method.person_id!r}")
    channel = svc.paging.channels.get(method.channel)
    if channel is None:
        raise InvalidInput(f"the {method.channel} channel is not configured: no code can be sent")
    code = f"{secrets.randbelow(10**6):06d}"
    now = svc.clock.now()
    with svc.uow() as uow:
        if not any(
            m.channel == method.channel and m.address == method.address
            for m in uow.contacts.methods([person.id])
        ):
            raise NotFound(f"{person.name} has no {method.channel} method {method.address!r}")
        uow.contacts.set_code(method, _hash(code), now + CODE_TTL)
        uow.commit()
    text = f"Your tocsin verification code is {code}. It expires in 10 minutes."
    notification = Notification(
        key=f"verify:{person.id}:{method.channel}:{int(now.timestamp())}",
        channel=method.channel,
        recipient=person.id,
        name=person.name,
        address=method.address,
        purpose=Purpose.FYI,
        trigger=Trigger.OPENED,
        incident_id=0,
        severity="",
        title="tocsin verification code",
        phase="",
        text=text,
        at=now,
    )
    try:
        channel.send(notification, notification.key)
    except DeliveryFailed as exc:
        raise InvalidInput(f"the code could not be sent by {method.channel}: {exc}") from None


def verify(svc: Services, method: ContactMethod, code: str) -> bool:
    """True (and the method verified) when ``code`` is the pending one, unexpired, within 5
    attempts; a wrong code counts an attempt. ``InvalidInput`` says why a code cannot work."""
    now = svc.clock.now()
    with svc.uow() as uow:
        pending = uow.contacts.pending_code(method)
        if pending is None:
            raise InvalidInput("no code is pending for this method: send one first")
        if pending.expires_at.astimezone(UTC) <= now:
            raise InvalidInput("the code expired: send a new one")
        if pending.attempts >= MAX_ATTEMPTS:
            raise InvalidInput(f"{MAX_ATTEMPTS} wrong codes: send a new one")
        if not hmac.compare_digest(pending.code_hash, _hash(code.strip())):
            uow.contacts.count_attempt(method)
            uow.commit()
            return False
        uow.contacts.mark_verified(method, now)
        uow.commit()
    return True


def save_rule(svc: PagingContext, person_id: str, rule: PersonRule) -> None:
    """The person's own rule and quiet hours (the profile page)."""
    person = svc.paging.directory.people.get(person_id)
    if person is None:
        raise NotFound(f"no person {person_id!r}")
    if rule.quiet is not None:
        rule = replace(rule, quiet=replace(rule.quiet, timezone=person.timezone))
    with svc.uow() as uow:
        uow.contacts.save_rule(person_id, rule, svc.clock.now())
        uow.commit()


def remove_method(svc: Services, person_id: str, channel: str, address: str) -> None:
    """Remove one of the person's methods (``NotFound`` when they have no such method)."""
    with svc.uow() as uow:
        if not uow.contacts.remove(person_id, channel, domain.check_address(channel, address)):
            raise NotFound(f"{person_id} has no {channel} method {address!r}")
        uow.commit()


def list_methods(svc: PagingContext, person_id: str) -> list[ContactMethod]:
    """The person's methods, stored and attested by the config."""
    if person_id not in svc.paging.directory.people:
        raise NotFound(f"no person {person_id!r}")
    with svc.read() as uow:
        return methods_of(svc, uow, [person_id])
