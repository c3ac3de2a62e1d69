"""Status page subscribers: email with double opt-in, optionally per component; every public
update goes to the confirmed ones, each mail with its unsubscribe link.

Answers never tell whether an address was already subscribed (no address enumeration).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain.errors import Conflict, InvalidInput, NotFound
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.maintenance import Maintenance, MaintenanceUpdate
from tocsin.domain.statuspage import PublicIncident, PublicUpdate
from tocsin.domain.subscriber import clean_email
from tocsin.services.context import Services
from tocsin.services.paging.ports import Post
from tocsin.services.ports import UnitOfWork
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.ports import Subscriber
from tocsin.services.statuspage.view import maintenance_path

log = logging.getLogger(__name__)

CONFIRM = (
    "[{page}] Confirm your subscription",
    "Hello,\n\nSomeone (hopefully you) asked to receive {page} updates at this address.\n"
    "Confirm here: {url}subscribe/confirm?token={token}\n\n"
    "If it was not you, ignore this mail: nothing will be sent.\n",
)
UPDATE = (
    "[{page}] {name}",
    "{rendered}\n\nDetails: {url}incidents/{public_id}\n\n--\n"
    "You receive this because you subscribed to {page}.\nUnsubscribe: {url}unsubscribe?token={token}\n",
)
MAINTENANCE = (
    "[{page}] Maintenance: {name}",
    "{rendered}\n\nScheduled: {window}\n{affects}Details: {url}{path}\n\n--\n"
    "You receive this because you subscribed to {page}.\nUnsubscribe: {url}unsubscribe?token={token}\n",
)


def _queue(uow: UnitOfWork, rows: list[tuple[str, int | None, str, str, str]], at: datetime) -> None:
    ids = uow.statuspage.queue_mails(rows, at)
    uow.jobs.enqueue(
        [JobRequest(JobKind.STATUS_MAIL, due_at=at, payload={"mail_id": i}, key=f"mail:{i}") for i in ids]
    )


def subscribe(svc: StatusPageContext, email: str, components: Sequence[str] = ()) -> None:
    """Record a pending subscription and mail its confirmation link (again, for a pending one).
    Two requests for one new address at once (a double click): the other one mails it."""
    try:
        _subscribe(svc, email, components)
    except Conflict:
        return


def _subscribe(svc: StatusPageContext, email: str, components: Sequence[str]) -> None:
    address = clean_email(email)
    known = {c.key for c in svc.statuspage.public_components}
    chosen = tuple(dict.fromkeys(components))
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise InvalidInput(f"components: unknown component {unknown[0]!r}")
    with svc.uow() as uow:
        at = svc.clock.now()
        current = uow.statuspage.subscriber_by_email(address)
        if current is not None and current.active:
            return
        token = secrets.token_urlsafe(24)
        subscriber = uow.statuspage.save_subscriber(
            Subscriber(current.id if current else 0, address, chosen, token, at)
        )
        config = svc.statuspage
        subject, body = CONFIRM
        values = {"page": config.name, "url": config.url, "token": token}
        key = f"subscribe:{subscriber.id}:{token[:12]}"
        _queue(uow, [(key, None, address, subject.format(**values), body.format(**values))], at)
        uow.commit()


def _by_token(uow: UnitOfWork, token: str) -> Subscriber:
    subscriber = uow.statuspage.subscriber_by_token(token) if token else None
    if subscriber is None:
        raise NotFound("this link is not valid (any more)")
    return subscriber


def confirm(svc: Services, token: str) -> Subscriber:
    with svc.uow() as uow:
        subscriber = _by_token(uow, token)
        if subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
            at = svc.clock.now()
            subscriber = uow.statuspage.save_subscriber(
                replace(subscriber, confirmed_at=at, unsubscribed_at=None)
            )
            uow.commit()
    return subscriber


def unsubscribe(svc: Services, token: str) -> Subscriber:
    with svc.uow() as uow:
        subscriber = _by_token(uow, token)
        if subscriber.unsubscribed_at is None:
            subscriber = uow.statuspage.save_subscriber(replace(subscriber, unsubscribed_at=svc.clock.now()))
            uow.commit()
    return subscriber


def _mail_subscribers(
    svc: StatusPageContext,
    uow: UnitOfWork,
    template: tuple[str, str],
    *,
    key: str,
    incident_id: int | None,
    touched: Sequence[str],
    values: Mapping[str, str],
    at: datetime,
) -> int:
    """Queue ``template`` for every confirmed subscriber who wants one of the ``touched``
    public components (or the whole page), each with its own unsubscribe token."""
    subject, body = template
    rows: list[tuple[str, int | None, str, str, str]] = []
    for subscriber in uow.statuspage.active_subscribers():
        if subscriber.wants(touched):
            filled = {
                **values,
                "page": svc.statuspage.name,
                "url": svc.statuspage.url,
                "token": subscriber.token,
            }
            rows.append(
                (
                    f"{key}:{subscriber.id}",
                    incident_id,
                    subscriber.email,
                    subject.format(**filled),
                    body.format(**filled),
                )
            )
    if rows:
        _queue(uow, rows, at)
    return len(rows)


def notify_update(svc: StatusPageContext, uow: UnitOfWork, public: PublicIncident) -> int:
    """Queue the latest update of ``public`` for every confirmed subscriber who wants it."""
    update = public.updates[-1]
    public_keys = {c.key for c in svc.statuspage.public_components}
    return _mail_subscribers(
        svc,
        uow,
        UPDATE,
        key=f"update:{update.id}",
        incident_id=public.incident_id,
        touched=[k for k in public.components if k in public_keys],
        values={"name": public.name, "rendered": update.render(), "public_id": public.id},
        at=update.posted_at,
    )


def _window(maintenance: Maintenance) -> str:
    start, end = maintenance.scheduled_for, maintenance.scheduled_until  # stored in UTC
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} UTC"


def notify_maintenance(svc: StatusPageContext, uow: UnitOfWork, maintenance: Maintenance) -> int:
    """Queue the latest update of ``maintenance`` for every confirmed subscriber who wants one of
    its public components, in the caller's transaction. Internal components are never named."""
    update = maintenance.updates[-1]
    names = {c.key: c.name for c in svc.statuspage.public_components}
    touched = [k for k in maintenance.components if k in names]
    affects = ", ".join(names[k] for k in touched)
    values = {
        "name": maintenance.name,
        "rendered": update.render(),
        "window": _window(maintenance),
        "affects": f"Affects: {affects}\n" if affects else "",
        "path": maintenance_path(maintenance),
    }
    return _mail_subscribers(
        svc,
        uow,
        MAINTENANCE,
        key=f"maintenance:{update.id}",
        incident_id=None,
        touched=touched,
        values=values,
        at=update.posted_at,
    )


def _enqueue_webhooks(
    svc: StatusPageContext,
    uow: UnitOfWork,
    *,
    event: str,
    delivery: str,
    document: dict[str, Any],
    at: datetime,
) -> int:
    """One durable job per configured receiver; the job key is the idempotency key."""
    urls = svc.statuspage.webhooks
    uow.jobs.enqueue(
        [
            JobRequest(
                JobKind.STATUS_WEBHOOK,
                due_at=at,
                payload={"url": url, "event": event, "delivery": f"{delivery}:{n}", "body": document},
                key=f"statuspage.webhook:{delivery}:{n}",
            )
            for n, url in enumerate(urls)
        ]
    )
    return len(urls)


def _page(svc: StatusPageContext) -> dict[str, str]:
    return {"name": svc.statuspage.name, "url": svc.statuspage.url}


_DELIVERY_PREFIX = {"incident_update": "update", "maintenance_update": "maintenance"}  # stable ids


def _webhook(
    svc: StatusPageContext,
    uow: UnitOfWork,
    event: str,
    update: PublicUpdate | MaintenanceUpdate,
    subject: tuple[str, dict[str, Any]],
) -> int:
    """One ``event`` document about ``subject`` (its key and public facts) and its latest
    ``update``, queued for every webhook subscriber; the update's id names the delivery."""
    delivery = f"{_DELIVERY_PREFIX[event]}:{update.id}"
    document = {
        "id": delivery,
        "event": event,
        "page": _page(svc),
        subject[0]: subject[1],
        "update": {
            "id": update.id,
            "status": update.status.value,
            "body": update.body,
            "posted_at": update.posted_at.isoformat(),
            "rendered": update.render(),
        },
    }
    return _enqueue_webhooks(svc, uow, event=event, delivery=delivery, document=document, at=update.posted_at)


def notify_webhooks(svc: StatusPageContext, uow: UnitOfWork, public: PublicIncident) -> int:
    """Queue the latest update of ``public`` for every webhook subscriber: public facts only."""
    names = {c.key: c.name for c in svc.statuspage.public_components}
    incident = {
        "id": public.id,
        "name": public.name,
        "status": public.status.value,
        "impact": public.impact,
        "shortlink": f"{svc.statuspage.url}incidents/{public.id}",
        "components": [names[k] for k in public.components if k in names],
    }
    return _webhook(svc, uow, "incident_update", public.updates[-1], ("incident", incident))


def notify_maintenance_webhooks(svc: StatusPageContext, uow: UnitOfWork, maintenance: Maintenance) -> int:
    names = {c.key: c.name for c in svc.statuspage.public_components}
    window = {
        "id": maintenance.id,
        "name": maintenance.name,
        "status": maintenance.status.value,
        "impact": "maintenance",
        "scheduled_for": maintenance.scheduled_for.isoformat(),
        "scheduled_until": maintenance.scheduled_until.isoformat(),
        "components": [names[k] for k in maintenance.components if k in names],
    }
    return _webhook(
        svc, uow, "maintenance_update", maintenance.updates[-1], ("scheduled_maintenance", window)
    )


def deliver_webhook(svc: StatusPageContext, _uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """POST one queued webhook. A receiver removed from the configuration since is skipped;
    a failure raises ``DeliveryFailed`` and the job retries with backoff."""
    url = str(payload["url"])
    poster = svc.statuspage.webhook_poster
    if poster is None or url not in svc.statuspage.webhooks:
        log.warning("status page webhook skipped: receiver no longer configured")
        return False
    body = json.dumps(payload["body"], ensure_ascii=False, separators=(",", ":")).encode()
    poster.send(Post(url, body, str(payload["event"])), str(payload["delivery"]))
    return True
