"""A page's two links, as the paging services need them: recorded (hashed) in the unit of work
that plans the page (``issue``), and written into the message when it is sent (``attach``), the
token derived again from the install secret (``secret``) so no job payload carries one.

Apart from ``services.paging.page_links`` (which acts on a followed link) so that ``services.paging.notify``
can issue and attach links without importing the incident and escalation use cases.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from tocsin.domain import page_link as domain
from tocsin.domain.notification import Notification
from tocsin.domain.page_link import Action
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork

SECRET_NAME = "page_links"  # noqa: S105 - the name of a row, not a secret
"""The ``install_secrets`` row whose value keys every link's HMAC."""


def _candidate() -> str:
    return secrets.token_urlsafe(32)


def secret(svc: PagingContext) -> str:
    """The install's page-link secret: made and stored by the first process that needs it,
    read once per process after that (``svc.install_secrets``)."""

    def load() -> str:
        with svc.uow() as uow:
            value = uow.install_secrets.get_or_create(SECRET_NAME, _candidate(), svc.clock.now())
            uow.commit()
        return value

    return svc.install_secrets.get(SECRET_NAME, load)


def issue(
    uow: UnitOfWork,
    notifications: Sequence[Notification],
    at: datetime,
    *,
    lifetime: timedelta = domain.LIFETIME,
) -> int:
    """Record the acknowledge and escalate links of every page to a person among
    ``notifications``, valid from ``at`` for ``lifetime``, in the caller's unit of work.
    Returns how many links that makes (already recorded ones are kept as they were)."""
    pages = [n for n in notifications if domain.wants_links(n)]
    if not pages:
        return 0
    key = uow.install_secrets.get_or_create(SECRET_NAME, _candidate(), at)
    links = [link for n in pages for link in domain.links_for(key, n, at=at, lifetime=lifetime)]
    uow.page_links.add(links)
    return len(links)


def attach(secret: str, base_url: str, notification: Notification) -> Notification:
    """``notification`` with its two links filled in. Unchanged when it is not a page to a
    person, or without ``server.base_url`` (there is no address to link to)."""
    if not base_url or not domain.wants_links(notification):
        return notification
    ack = domain.token(secret, notification.key, Action.ACK)
    escalate = domain.token(secret, notification.key, Action.ESCALATE)
    return replace(
        notification, ack_url=domain.url(base_url, ack), escalate_url=domain.url(base_url, escalate)
    )
