"""A page the provider refused for good (a bad number, a 4xx): the delivery failed, the
person's next method goes now, the admins are told by e-mail."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tocsin.domain.access import Role
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.domain.notification import (
    Notification,
    Purpose,
)
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork

CHANNEL_NAMES = {"sms": "SMS", "voice": "Call", "push": "Push", "email": "E-mail", "slack": "Slack DM"}


def channel_name(channel: str) -> str:
    """``SMS``, ``Call``… as the timeline says them."""
    return CHANNEL_NAMES.get(channel, channel.capitalize())


def undeliverable(svc: PagingContext, uow: UnitOfWork, notification: Notification, reason: str) -> None:
    """The provider refused the page for good: the delivery failed, the person's next pending
    method of this page goes now, and the admins are told by e-mail."""
    at = svc.clock.now()
    uow.deliveries.mark_status(notification.key, "failed", at)
    text = f"{channel_name(notification.channel)} to {notification.name} failed: {reason}"
    following = next_method_now(uow, notification.key, at)
    if following:
        text += f"; {following} now"
    data = {"channel": notification.channel, "recipient": notification.recipient, "key": notification.key}
    event = TimelineEvent(kind=EventKind.NOTIFIED, at=at, actor="tocsin", text=text, data=data)
    uow.timeline.append(IncidentId(notification.incident_id), [event])
    tell_admins(svc, uow, notification, reason, at)


def next_method_now(uow: UnitOfWork, key: str, at: datetime) -> str:
    """Make the soonest still-pending method of the page ``key`` belongs to due at ``at``;
    returns its channel ("" when none is left)."""
    prefix = key.rsplit(":", 1)[0] + ":"
    pending = [d for d in uow.deliveries.pending_of_page(prefix) if d.key != key]
    if not pending:
        return ""
    uow.jobs.expedite([pending[0].key], at)
    uow.deliveries.reschedule(pending[0].key, at)
    return pending[0].channel


def tell_admins(svc: PagingContext, uow: UnitOfWork, failed: Notification, reason: str, at: datetime) -> None:
    """E-mail the admins (people in ``role:admin``, users with the admin role) that a method
    refused a page, so someone fixes the number before the next incident."""
    if "email" not in svc.paging.channels or failed.purpose is not Purpose.PAGE:
        return  # only a refused page is worth an admin's attention (never a notice about one)
    directory = svc.paging.directory
    admins: dict[str, tuple[str, str]] = {}
    for ident in directory.groups.get("role:admin", ()):
        person = directory.people.get(ident)
        if person is not None:
            admins[person.email] = (person.id, person.name)
    for user in uow.users.list():
        if user.role is Role.ADMIN and user.disabled_at is None:
            admins.setdefault(user.email, (f"user-{user.id}", user.name))
    text = (
        f"tocsin could not page {failed.name} by {failed.channel} ({failed.address}) about incident "
        f"#{failed.incident_id}: {reason}. Their next method was tried at once; please check "
        f"{failed.name}'s contact methods."
    )
    notices = [
        replace(
            failed,
            key=f"{failed.key}:undeliverable:{ident}",
            channel="email",
            recipient=ident,
            name=name,
            address=email,
            purpose=Purpose.FYI,
            text=text,
            generation=None,
            ack_url="",
            escalate_url="",
            at=at,
        )
        for email, (ident, name) in sorted(admins.items())
    ]
    if notices:
        uow.deliveries.add(notices, at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, n.to_payload(), n.key) for n in notices])
