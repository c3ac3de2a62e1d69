"""Who is told what: people and the groups that name them, the rules per severity, and the
notifications (one per recipient and channel) that a page or an FYI turns into. Pure.

A **page** asks the people of an escalation step to act (on open, on each escalation). An
**FYI** tells everyone paged so far what changed (acknowledged, severity changed, resolved,
reopened). Outbound webhooks receive every event they subscribe to, whichever it is.

Every notification has an idempotency key ``notify:<incident>:<batch>:<recipient>:<channel>``:
``batch`` numbers the events of one incident, so the same event never reaches the same
recipient through the same channel twice, however often its job runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tocsin.domain.oncall import Schedule, on_call


class Trigger(StrEnum):
    OPENED = "opened"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    SEVERITY_CHANGED = "severity_changed"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    POSTMORTEM_DUE = "postmortem_due"
    BREACH_DUE = "breach_due"


PAGE_TRIGGERS = frozenset({Trigger.OPENED, Trigger.ESCALATED})
REMINDER_TRIGGERS = frozenset({Trigger.POSTMORTEM_DUE, Trigger.BREACH_DUE})
FYI_TRIGGERS = frozenset(Trigger) - PAGE_TRIGGERS - REMINDER_TRIGGERS  # reminders go to owners


class Purpose(StrEnum):
    PAGE = "page"
    FYI = "fyi"


@dataclass(frozen=True, slots=True)
class Rules:
    """Which triggers page the step's targets, and which tell everyone paged so far."""

    page: frozenset[Trigger] = PAGE_TRIGGERS
    fyi: frozenset[Trigger] = FYI_TRIGGERS

    def purpose(self, trigger: Trigger) -> Purpose | None:
        if trigger in self.page:
            return Purpose.PAGE
        if trigger in self.fyi:
            return Purpose.FYI
        return None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str
    slack_user_id: str | None = None
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class Directory:
    """People, the roles and teams that group them (``role:cto`` -> ids) and the schedules."""

    people: Mapping[str, Person] = field(default_factory=dict)
    groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    schedules: Mapping[str, Schedule] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # target -> display name

    def name_of(self, target: str) -> str:
        """``Lead Engineer`` for ``role:lead_engineer``; people and unknowns by their id."""
        kind, _, ident = target.partition(":")
        person = self.people.get(ident) if kind == "person" else None
        return person.name if person is not None else self.names.get(target, ident)

    def resolve(self, target: str, at: datetime) -> tuple[str, ...]:
        """The person ids a target names at ``at``: a schedule names whoever is on call then."""
        kind, _, ident = target.partition(":")
        if kind == "person":
            return (ident,) if ident in self.people else ()
        if kind == "schedule":
            schedule = self.schedules.get(ident)
            current = on_call(schedule, at) if schedule is not None else None
            return (current.person,) if current is not None and current.person in self.people else ()
        return tuple(p for p in self.groups.get(target, ()) if p in self.people)

    def recipients(self, targets: Sequence[str], at: datetime) -> list[tuple[Person, str]]:
        """``(person, target)`` for every person the targets name, each person once, in order."""
        seen: dict[str, tuple[Person, str]] = {}
        for target in targets:
            for ident in self.resolve(target, at):
                seen.setdefault(ident, (self.people[ident], target))
        return list(seen.values())


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to one recipient through one channel: what the channel adapters send.

    ``recipient`` is a person id (email, console) or a webhook name; ``address`` is where it
    goes (an email address, or the webhook name again: its URL and secret stay in the config).
    """

    key: str
    channel: str
    recipient: str
    name: str
    address: str
    purpose: Purpose
    trigger: Trigger
    incident_id: int
    severity: str
    title: str
    phase: str
    text: str
    at: datetime
    url: str = ""
    via: str = ""
    step: int | None = None
    drill: bool = False
    """About a drill (``tocsin drill``): the subject and bodies say [DRILL] first."""
    possible_repeat: bool = False
    """Sent again after an attempt that may have reached the recipient (tocsin stopped between
    handing it over and recording it): the recipient may already have a copy."""
    generation: int | None = None
    """The incident's generation when the page was planned: a page due later (a personal rule's
    SMS after 2 minutes…) is not sent once the incident moved on (acknowledged, resolved)."""
    ack_url: str = ""
    """A personal, single-use link that acknowledges from the page (filled in when sent)."""
    escalate_url: str = ""
    """A personal, single-use link that escalates from the page (filled in when sent)."""

    @property
    def subject(self) -> str:
        prefix = "PAGE" if self.purpose is Purpose.PAGE else "FYI"
        drill = "[DRILL] " if self.drill else ""
        repeat = f"{POSSIBLE_REPEAT} " if self.possible_repeat else ""
        head = f"{repeat}{drill}[{prefix}] [{self.severity}] #{self.incident_id} {self.title}"
        return f"{head} — {self.trigger.value}"

    def to_payload(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(purpose=self.purpose.value, trigger=self.trigger.value, at=self.at.isoformat())
        return data

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> Notification:
        values = dict(data)
        values.update(
            purpose=Purpose(values["purpose"]),
            trigger=Trigger(values["trigger"]),
            at=datetime.fromisoformat(values["at"]),
        )
        return cls(**values)


POSSIBLE_REPEAT = "[possible repeat]"


def delivery_key(incident_id: int, batch: int, recipient: str, channel: str) -> str:
    return f"notify:{incident_id}:{batch}:{recipient}:{channel}"


@dataclass(frozen=True, slots=True)
class Event:
    """What happened to an incident, as the notifications of one batch describe it."""

    incident_id: int
    severity: str
    title: str
    phase: str
    trigger: Trigger
    text: str
    at: datetime
    batch: int
    url: str = ""
    step: int | None = None
    drill: bool = False


def for_people(
    event: Event, purpose: Purpose, people: Sequence[tuple[Person, str]], channels: Sequence[str]
) -> list[Notification]:
    """One notification per person and channel (the channels that reach a person)."""
    return [
        _notification(
            event, purpose, channel, recipient=person.id, name=person.name, address=person.email, via=via
        )
        for person, via in people
        for channel in channels
    ]


def for_webhooks(event: Event, webhooks: Mapping[str, frozenset[Trigger]]) -> list[Notification]:
    """One notification per webhook subscribed to the event's trigger."""
    purpose = Purpose.PAGE if event.trigger in PAGE_TRIGGERS else Purpose.FYI
    return [
        _notification(event, purpose, "webhook", recipient=name, name=name, address=name, via="")
        for name, triggers in sorted(webhooks.items())
        if event.trigger in triggers
    ]


def _notification(
    event: Event, purpose: Purpose, channel: str, *, recipient: str, name: str, address: str, via: str
) -> Notification:
    return Notification(
        key=delivery_key(event.incident_id, event.batch, recipient, channel),
        channel=channel,
        recipient=recipient,
        name=name,
        address=address,
        purpose=purpose,
        trigger=event.trigger,
        incident_id=event.incident_id,
        severity=event.severity,
        title=event.title,
        phase=event.phase,
        text=event.text,
        at=event.at,
        url=event.url,
        via=via,
        step=event.step,
        drill=event.drill,
    )
