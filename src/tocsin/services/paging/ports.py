"""What escalation and notification need from the world: the channel Protocol, the two
repositories, and ``Paging``, the directory, policies, rules and channels in force.

Every channel (email, webhook, console) implements ``Channel``; ``tests/adapters/channels``
runs one contract test over all of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from tocsin.domain.contacts import ContactMethod, PersonRule
from tocsin.domain.escalation import Escalation, Policy
from tocsin.domain.notification import Directory, Notification, Rules, Trigger
from tocsin.domain.severity import Severity


@dataclass(frozen=True, slots=True)
class Letter:
    """A plain-text e-mail to one address: the status page's subscriber mails, the customer
    mails and the Art. 34 breach mails. ``sender_name`` is the From's display name."""

    to: str
    subject: str
    body: str
    sender_name: str


@dataclass(frozen=True, slots=True)
class Post:
    """A signed JSON event for a status-page webhook subscriber: POSTed to ``url``."""

    url: str
    body: bytes
    event: str


Message_contra = TypeVar("Message_contra", contravariant=True)


class Channel(Protocol[Message_contra]):
    """THE outbound contract: every channel (email, webhook, console, slack DM, sms, voice,
    push) and every mail sender implements it. ``tests/adapters/channels/test_contract.py``
    runs one contract test over all of them."""

    name: str

    def send(self, message: Message_contra, key: str) -> str:
        """Deliver once; return a reference (a Message-ID, an HTTP status…) for the record.

        Raise ``Undeliverable`` when refused for good, ``RetryAfter`` when told to wait,
        ``DeliveryFailed`` otherwise: the job engine decides what happens next. Delivery is at
        least once: a worker that dies after sending but before its commit sends again, so
        every message carries ``key`` (as Message-ID or ``X-Tocsin-Delivery``) for receivers
        to dedupe.
        """
        ...


PageChannel = Channel[Notification]
"""A channel of incident pages (the ``key`` is the notification's own)."""
Mailer = Channel[Letter]
"""A sender of plain-text mails (the ``key`` derives the Message-ID)."""
WebhookPoster = Channel[Post]
"""The status page's webhook sender (the ``key`` is the ``X-Tocsin-Delivery``)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """The record of one notification: sent (``sent_at``) or still pending."""

    key: str
    incident_id: int
    channel: str
    recipient: str
    purpose: str
    trigger: str
    created_at: datetime
    sent_at: datetime | None = None
    reference: str | None = None
    status: str = "pending"
    """pending, sent, delivered, failed, answered, not_answered or skipped."""
    status_at: datetime | None = None
    due_at: datetime | None = None
    """When a personal rule's method is due (None: at once)."""

    @property
    def page_prefix(self) -> str:
        """``notify:<incident>:<batch>:<recipient>:``: every method of this page to this person."""
        return self.key.rsplit(":", 1)[0] + ":"


class EscalationRepository(Protocol):
    def get(self, incident_id: int) -> Escalation | None:
        """The incident's escalation; lock the incident row first (it serialises writers)."""
        ...

    def save(self, escalation: Escalation, at: datetime) -> None:
        """Insert or update."""
        ...


class DeliveryRepository(Protocol):
    def add(self, notifications: Sequence[Notification], at: datetime) -> None:
        """Record pending deliveries; a key already recorded is skipped."""
        ...

    def mark_sent(self, key: str, at: datetime, reference: str) -> None: ...

    def add_planned(self, planned: Sequence[tuple[Notification, datetime]], at: datetime) -> None:
        """Record pending deliveries, each due at its time (a personal rule's later methods)."""
        ...

    def get(self, key: str) -> Delivery | None: ...

    def by_reference(self, reference: str) -> Delivery | None:
        """The delivery a provider's reference (Twilio's SID) names."""
        ...

    def mark_status(self, key: str, status: str, at: datetime) -> None:
        """Record where the delivery stands (delivered, failed, answered, skipped…)."""
        ...

    def reschedule(self, key: str, due_at: datetime) -> None:
        """A pending method brought forward (the previous one failed or was not answered)."""
        ...

    def pending_of_page(self, prefix: str) -> Sequence[Delivery]:
        """The still-pending methods of one page to one person (key ``prefix``), soonest first."""
        ...

    def pages_to(self, recipient: str, limit: int = 20) -> Sequence[Delivery]:
        """The latest pages to a person, newest first."""
        ...

    def list(self, incident_id: int) -> Sequence[Delivery]:
        """Oldest first."""
        ...


@dataclass(frozen=True, slots=True)
class Feed:
    """A secret iCal feed: ``kind`` is ``schedule`` or ``person``, ``subject`` its id."""

    id: int
    kind: str
    subject: str
    created_at: datetime


class FeedRepository(Protocol):
    def add(self, kind: str, subject: str, token_hash: str, at: datetime) -> Feed: ...

    def find(self, token_hash: str) -> Feed | None:
        """The active (not revoked) feed with this token hash."""
        ...

    def revoke(self, kind: str, subject: str, at: datetime) -> int:
        """Revoke every active feed of the subject; returns how many."""
        ...


@dataclass(frozen=True, slots=True)
class Paging:
    """Who can be notified and how. Empty (no policies) means escalation is switched off."""

    directory: Directory = field(default_factory=Directory)
    policies: Mapping[Severity, Policy] = field(default_factory=dict)
    rules: Mapping[Severity, Rules] = field(default_factory=dict)
    person_channels: tuple[str, ...] = ()
    webhooks: Mapping[str, frozenset[Trigger]] = field(default_factory=dict)
    channels: Mapping[str, PageChannel] = field(default_factory=dict)
    base_url: str = ""
    person_rules: Mapping[str, PersonRule] = field(default_factory=dict)
    """Each person's notification rule and quiet hours from the config (default rule when absent)."""
    contacts: tuple[ContactMethod, ...] = ()
    """Contact methods written in the config (``verified_at`` = ``ATTESTED`` when attested)."""

    def rule_of(self, person_id: str) -> PersonRule:
        return self.person_rules.get(person_id, PersonRule())

    def rules_for(self, severity: Severity) -> Rules:
        return self.rules.get(severity, Rules())

    def incident_url(self, incident_id: int) -> str:
        return f"{self.base_url}/incidents/{incident_id}" if self.base_url else ""
