"""Notifications: turn one incident event into deliveries (in the caller's unit of work), and
deliver one (the ``notify.deliver`` job).

Each delivery is a job keyed ``notify:<incident>:<batch>:<recipient>:<channel>``: enqueued
with the state change that caused it, retried with backoff when the channel fails, dead-
lettered after the limit, and never enqueued twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from tocsin.domain import contacts, restriction
from tocsin.domain.delivery import DeliveryFailed, Undeliverable
from tocsin.domain.escalation import Escalation
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.notification import (
    POSSIBLE_REPEAT,
    Event,
    Notification,
    Person,
    Purpose,
    Trigger,
    for_people,
    for_webhooks,
)
from tocsin.domain.severity import Severity
from tocsin.services.context import Services
from tocsin.services.outbound import sends as outbound
from tocsin.services.paging import contacts as contact_services
from tocsin.services.paging import page_link_tokens, refused
from tocsin.services.paging.context import PagingContext
from tocsin.services.paging.ports import Delivery
from tocsin.services.ports import UnitOfWork


def announce(
    svc: PagingContext,
    uow: UnitOfWork,
    escalation: Escalation,
    incident: Incident,
    trigger: Trigger,
    *,
    text: str,
    at: datetime,
    targets: Sequence[str] = (),
    step: int | None = None,
) -> tuple[Escalation, list[tuple[Person, str]], list[Delivery]]:
    """Notify about one event: page ``targets`` or tell everyone paged so far, as the
    severity's rules say, and every webhook subscribed to ``trigger``.

    Returns the escalation with its batch counter (and, for a page, the people paged) moved
    on, the people notified with the target that named them, and the deliveries recorded (as
    written: the caller describes them without reading them back).
    """
    paging = svc.paging
    purpose = paging.rules_for(incident.severity).purpose(trigger)
    escalation, batch = escalation.next_batch()
    if incident.security:  # pages travel in clear: a security incident's words stay in tocsin
        text = f"{restriction.restricted_title(incident)}: {trigger.value.replace('_', ' ')}"
    event = Event(
        incident_id=incident.id,
        severity=incident.severity.value,
        title=restriction.restricted_title(incident) if incident.security else incident.title,
        phase=incident.phase.value,
        trigger=trigger,
        text=text,
        at=at,
        batch=batch,
        url=paging.incident_url(incident.id),
        step=step,
        drill=incident.drill,
    )
    people: list[tuple[Person, str]] = []
    if purpose is Purpose.PAGE:
        people = paging.directory.recipients(targets, at)
        escalation = escalation.with_notified(tuple(person.id for person, _ in people))
    elif purpose is Purpose.FYI:
        known = paging.directory.people
        people = [(known[p], "paged earlier") for p in escalation.notified if p in known]
    planned: list[tuple[Notification, datetime]] = []
    if purpose is Purpose.PAGE:
        planned = plan_pages(
            svc, uow, event, people, severity=incident.severity, generation=incident.generation
        )
        notifications = for_webhooks(event, paging.webhooks)
    else:
        notifications = for_people(event, purpose, people, paging.person_channels) if purpose else []
        notifications += for_webhooks(event, paging.webhooks)
    if planned:
        uow.deliveries.add_planned(planned, at)
        page_link_tokens.issue(uow, [n for n, _ in planned], at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, due, n.to_payload(), n.key) for n, due in planned])
    if notifications:
        uow.deliveries.add(notifications, at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, n.to_payload(), n.key) for n in notifications])
    recorded = [_recorded(n, at, due) for n, due in planned]
    recorded += [_recorded(n, at, None) for n in notifications]
    return escalation, people, recorded


def _recorded(notification: Notification, at: datetime, due: datetime | None) -> Delivery:
    """The delivery row ``deliveries.add``/``add_planned`` writes for ``notification``."""
    return Delivery(
        key=notification.key,
        incident_id=notification.incident_id,
        channel=notification.channel,
        recipient=notification.recipient,
        purpose=notification.purpose.value,
        trigger=notification.trigger.value,
        created_at=at,
        due_at=due,
    )


def page_channels(svc: PagingContext) -> tuple[str, ...]:
    """The channels a page can use: the person channels configured, and the phone ones wired."""
    extra = tuple(c for c in svc.paging.channels if c in contacts.ADDRESSED)
    return tuple(dict.fromkeys((*svc.paging.person_channels, *extra)))


def plan_pages(
    svc: PagingContext,
    uow: UnitOfWork,
    event: Event,
    people: Sequence[tuple[Person, str]],
    *,
    severity: Severity,
    generation: int,
) -> list[tuple[Notification, datetime]]:
    """Each paged person's rule as pages: ``(notification, due_at)``; those due later are
    fenced by the incident's ``generation`` (acknowledging stops every page still to come)."""
    if not people:
        return []
    available = page_channels(svc)
    methods = contact_services.methods_of(svc, uow, [person.id for person, _ in people])
    planned: list[tuple[Notification, datetime]] = []
    for person, via in people:
        rule = contact_services.rule_of(svc, uow, person)
        entries = contacts.plan(
            person_id=person.id,
            email=person.email,
            slack_user_id=person.slack_user_id,
            methods=methods,
            rule=rule.rule,
            quiet=rule.quiet,
            severity=severity,
            at=event.at,
            available=available,
        )
        for entry in entries:
            [base] = for_people(event, Purpose.PAGE, [(person, via)], [entry.channel])
            # A method due later is fenced by the generation; one due at once is part of the
            # event itself and goes even if an acknowledgement beat the worker to it.
            fence = generation if entry.due_at > event.at else None
            planned.append((replace(base, address=entry.address, generation=fence), entry.due_at))
    return planned


def rules_end(
    svc: PagingContext, uow: UnitOfWork, people: Sequence[str], severity: Severity, at: datetime
) -> datetime:
    """When the rules of ``people`` paged at ``at`` have run their course (their last method)."""
    known = svc.paging.directory.people
    event = Event(
        incident_id=0,
        severity=severity.value,
        title="",
        phase="",
        trigger=Trigger.ESCALATED,
        text="",
        at=at,
        batch=0,
    )
    persons = [(known[p], "") for p in people if p in known]
    planned = plan_pages(svc, uow, event, persons, severity=severity, generation=0)
    return max((due for _, due in planned), default=at)


def describe(people: Sequence[tuple[Person, str]], planned: Sequence[Delivery], at: datetime) -> str:
    """``Camille Martin (role:lead_engineer) by push, email, sms +2m, voice +5m; David Peeters
    (role:cto) by email``: each paged person with the methods their rule planned for this page
    (a later one with its delay), or why nobody can be reached."""
    if not people:
        return "nobody"
    parts = []
    for person, via in people:
        methods = [
            d.channel if d.due_at is None or d.due_at <= at else f"{d.channel} +{_minutes(d.due_at - at)}"
            for d in sorted(planned, key=lambda d: d.due_at or at)
            if d.recipient == person.id
        ]
        how = f"by {', '.join(methods)}" if methods else "(no verified contact method)"
        parts.append(f"{person.name} ({via}) {how}")
    return "; ".join(parts)


def _minutes(wait: timedelta) -> str:
    minutes, seconds = divmod(int(wait.total_seconds()), 60)
    if minutes >= 60 and not seconds:
        return f"{minutes // 60}h{minutes % 60:02d}" if minutes % 60 else f"{minutes // 60}h"
    return f"{minutes}m" if not seconds else f"{minutes}m{seconds:02d}s"


def deliver(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Send one notification, then record it and put it on the timeline.

    The send happens before any statement of this unit of work, so no database lock is held
    while a mail server or webhook receiver answers. A failure raises: the worker retries the
    job with backoff. An earlier attempt that stopped after handing the notification over (see
    ``services.outbound.sends``) makes this one a possible repeat, and the message says so.
    """
    notification = Notification.from_payload(payload)
    channel = svc.paging.channels.get(notification.channel)
    if channel is None:
        raise DeliveryFailed(f"channel {notification.channel!r} is not configured")
    if _moved_on(svc, notification):
        uow.deliveries.mark_status(notification.key, "skipped", svc.clock.now())
        return False
    if outbound.start(svc, notification.key):
        notification = replace(notification, possible_repeat=True)
    secret = page_link_tokens.secret(svc)
    notification = page_link_tokens.attach(secret, svc.paging.base_url, notification)
    try:
        reference = channel.send(notification, notification.key)
    except Undeliverable as exc:  # refused for good: never retried, the next method goes now
        outbound.not_sent(svc, notification.key)
        refused.undeliverable(svc, uow, notification, str(exc))
        return False
    except Exception:
        outbound.not_sent(svc, notification.key)
        raise
    at = svc.clock.now()
    uow.sends.finish(notification.key)
    uow.deliveries.mark_sent(notification.key, at, reference)
    uow.timeline.append(IncidentId(notification.incident_id), [_delivered(notification, at)])
    return True


def _moved_on(svc: Services, notification: Notification) -> bool:
    """A page planned for an incident generation that has passed (acknowledged, resolved…):
    read before the send, in its own read-only unit of work, so no lock is held meanwhile."""
    if notification.generation is None or notification.purpose is not Purpose.PAGE:
        return False
    with svc.read() as read:
        incident = read.incidents.get(IncidentId(notification.incident_id))
    return incident.generation != notification.generation


def _delivered(notification: Notification, at: datetime) -> TimelineEvent:
    if notification.channel == "webhook":
        text = f"Webhook {notification.recipient} sent: {notification.trigger.value}"
    elif notification.purpose is Purpose.PAGE:
        step = f" (step {notification.step})" if notification.step else ""
        text = f"Paged {notification.name} by {notification.channel}{step}"
    else:
        text = f"Told {notification.name} by {notification.channel}: {notification.trigger.value}"
    if notification.possible_repeat:
        text += f" {POSSIBLE_REPEAT}: tocsin stopped after an earlier attempt handed it over"
    data: dict[str, object] = {
        "channel": notification.channel,
        "recipient": notification.recipient,
        "purpose": notification.purpose.value,
        "trigger": notification.trigger.value,
        "key": notification.key,
    }
    if notification.possible_repeat:
        data["possible_repeat"] = True
    return TimelineEvent(kind=EventKind.NOTIFIED, at=at, actor="tocsin", text=text, data=data)
