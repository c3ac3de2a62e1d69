"""Personal, single-use, expiring links that acknowledge or escalate from the page itself. Pure.

Every page to a person carries two links, ``{base_url}/p/{token}``: one acknowledges, one
escalates. The token is derived, not drawn: the URL-safe base64 of
``HMAC-SHA256(install secret, "<notification key>|<action>")``, cut to 32 characters (192
bits). So a job payload carries nothing secret (the sender derives the token again when it
sends), and the database keeps only the token's SHA-256: a copy of the database cannot be
turned into working links. A token made with another install's secret matches nothing.

A link is *valid* until it is used or it expires; using either link of a page uses both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tocsin.domain.notification import Notification, Purpose

TOKEN_LENGTH = 32
LIFETIME = timedelta(hours=24)
"""How long a page's links work (a page is about now; the next day, sign in)."""
PATH_PREFIX = "/p/"
_TOKEN_SHAPE = re.compile(rf"^[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}$")


class Action(StrEnum):
    ACK = "ack"
    ESCALATE = "escalate"


class State(StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"


CHANNEL_LABELS = {
    "sms": "SMS",
    "voice": "call",
    "push": "push",
    "email": "e-mail",
    "slack": "Slack",
    "console": "console",
}


@dataclass(frozen=True, slots=True)
class PageLink:
    """One link as stored: never the token, only its hash."""

    token_hash: str
    key: str
    """The notification's key (``notify:<incident>:<batch>:<person>:<channel>``)."""
    incident_id: int
    person_id: str
    action: Action
    channel: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_action: Action | None = None
    """What the page's links were used for (either link uses both)."""


def token(secret: str, key: str, action: Action) -> str:
    if not secret:
        raise ValueError("page links need the install secret")
    digest = hmac.new(secret.encode(), f"{key}|{action.value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:TOKEN_LENGTH]


def token_hash(value: str) -> str:
    """What the database keeps (hex SHA-256): enough to find a link, useless to forge one."""
    return hashlib.sha256(value.encode()).hexdigest()


def well_formed(value: str) -> bool:
    """Whether ``value`` could be a token at all (anything else is answered 404 at once)."""
    return bool(_TOKEN_SHAPE.match(value))


def url(base_url: str, value: str) -> str:
    return f"{base_url.rstrip('/')}{PATH_PREFIX}{value}"


def wants_links(notification: Notification) -> bool:
    """Pages to a person get links; FYIs and webhooks (no person to act as) do not."""
    return notification.purpose is Purpose.PAGE and notification.channel != "webhook"


def links_for(
    secret: str, notification: Notification, *, at: datetime, lifetime: timedelta = LIFETIME
) -> tuple[PageLink, PageLink]:
    """The acknowledge and escalate links of one page, valid from ``at`` for ``lifetime``."""
    ack, escalate = (
        PageLink(
            token_hash=token_hash(token(secret, notification.key, action)),
            key=notification.key,
            incident_id=notification.incident_id,
            person_id=notification.recipient,
            action=action,
            channel=notification.channel,
            created_at=at,
            expires_at=at + lifetime,
        )
        for action in (Action.ACK, Action.ESCALATE)
    )
    return ack, escalate


def state(link: PageLink, at: datetime) -> State:
    if link.used_at is not None:
        return State.USED
    if at >= link.expires_at:
        return State.EXPIRED
    return State.VALID


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def acting_name(name: str, channel: str) -> str:
    """``Nora (from SMS)``: who acted, and through which page, as the timeline says it."""
    return f"{name} (from {channel_label(channel)})"
