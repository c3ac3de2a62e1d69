"""Notifications: turn one incident event into deliveries (in the caller's unit of work), and
deliver one (the ``notify.deliver`` job).

Each delivery is a job keyed ``notify:<incident>:<batch>:<recipient>:<channel>``: enqueued
with the state change that caused it, retried with backoff when the channel fails, dead-
lettered after the limit, and never enqueued twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import restriction
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
from tocsin.services import outbound
from tocsin.services.context import Services
from tocsin.services.paging import DeliveryFailed
from tocsin.services.ports import UnitOfWork


def announce(
    svc: Services,
    uow: UnitOfWork,
    escalation: Escalation,
    incident: Incident,
    trigger: Trigger,
    *,
    text: str,
    at: datetime,
    targets: Sequence[str] = (),
    step: int | None = None,
) -> tuple[Escalation, list[tuple[Person, str]]]:
    """Notify about one event: page ``targets`` or tell everyone paged so far, as the
    severity's rules say, and every webhook subscribed to ``trigger``.

    Returns the escalation with its batch counter (and, for a page, the people paged) moved
    on, and the people notified with the target that named them.
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
    notifications = for_people(event, purpose, people, paging.person_channels) if purpose else []
    notifications += for_webhooks(event, paging.webhooks)
    if notifications:
        uow.deliveries.add(notifications, at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, n.to_payload(), n.key) for n in notifications])
    return escalation, people


def describe(people: Sequence[tuple[Person, str]], channels: Sequence[str]) -> str:
    """``Camille Martin (role:lead_engineer), David Peeters (role:cto) by email, console``."""
    if not people:
        return "nobody"
    names = ", ".join(f"{person.name} ({via})" for person, via in people)
    return f"{names} by {', '.join(channels)}" if channels else f"{names} (no channel configured)"


def deliver(svc: Services, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Send one notification, then record it and put it on the timeline.

    The send happens before any statement of this unit of work, so no database lock is held
    while a mail server or webhook receiver answers. A failure raises: the worker retries the
    job with backoff. An earlier attempt that stopped after handing the notification over (see
    ``services.outbound``) makes this one a possible repeat, and the message says so.
    """
    notification = Notification.from_payload(payload)
    channel = svc.paging.channels.get(notification.channel)
    if channel is None:
        raise DeliveryFailed(f"channel {notification.channel!r} is not configured")
    if outbound.start(svc, notification.key):
        notification = replace(notification, possible_repeat=True)
    try:
        reference = channel.send(notification)
    except Exception:
        outbound.not_sent(svc, notification.key)
        raise
    at = svc.clock.now()
    uow.sends.finish(notification.key)
    uow.deliveries.mark_sent(notification.key, at, reference)
    uow.timeline.append(IncidentId(notification.incident_id), [_delivered(notification, at)])
    return True


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
