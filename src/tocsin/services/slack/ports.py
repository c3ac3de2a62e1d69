"""What Slack chat-ops needs from the world: the Web API port, the card it renders, and the
record of what was posted (the message ``ts`` that later updates edit in place).

Kept apart from ``services.paging.ports`` so Slack stays optional: ``SlackContext.slack`` is ``None``
when no bot token is configured, and every Slack reaction and job is then a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tocsin.domain.delivery import RetryAfter
from tocsin.domain.severity import Severity


class SlackUnavailable(Exception):
    """Slack did not take the request now (down, 5xx, an error answer): retried with backoff.

    The message must never carry the bot token or the signing secret.
    """


class SlackRateLimited(SlackUnavailable, RetryAfter):
    """Slack answered 429: try again after ``retry_after`` seconds, not sooner (the job
    engine does: a ``RetryAfter``)."""

    def __init__(self, retry_after: float) -> None:
        RetryAfter.__init__(self, f"rate limited by Slack: retry after {retry_after:g} s", retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Card:
    """Everything the incident message shows; the adapter turns it into Block Kit."""

    incident_id: int
    title: str
    severity: str
    phase: str
    source: str
    ack_due_at: datetime
    acknowledged_by: str | None
    resolved: bool
    alerts_firing: int
    alerts_total: int
    url: str
    issue_url: str = ""
    diagnostics: tuple[tuple[str, str], ...] = ()
    """``(label, url)``: Loki and Grafana links over the incident window."""
    possible_repeat: bool = False
    """Posted again after an attempt that may have reached Slack and could not be looked up."""


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a message lives: the channel id Slack answered with and the message ``ts``."""

    channel: str
    ts: str


CARD_EVENT = "tocsin_incident"
"""The ``event_type`` of the message metadata each card carries (``event_payload``:
``{"incident_id": N}``), by which a card is found again (``SlackApi.find_card``)."""


class SlackApi(Protocol):
    def post_card(self, channel: str, card: Card) -> Posted:
        """Post the card with its metadata (``CARD_EVENT``, the incident id)."""
        ...

    def find_card(self, channel: str, incident_id: int) -> Posted | None:
        """The incident's card among the channel's recent messages (``channel``: an id), by its
        metadata; None when it is not there."""
        ...

    def update_card(self, where: Posted, card: Card) -> None: ...

    def post_text(self, channel: str, text: str, *, thread_ts: str | None = None) -> Posted: ...

    def post_ephemeral(self, channel: str, user: str, text: str) -> None: ...

    def create_channel(self, name: str) -> str:
        """Create a public channel; returns its id. A taken name raises ``SlackUnavailable``."""
        ...

    def invite(self, channel: str, users: Sequence[str]) -> None:
        """Invite Slack users; one already in the channel is not an error."""
        ...

    def archive(self, channel: str) -> None:
        """Archive the channel; one already archived is not an error."""
        ...


class SlackMessageRepository(Protocol):
    def get(self, incident_id: int) -> Posted | None:
        """The incident's announcement, if it was posted."""
        ...

    def add(self, incident_id: int, posted: Posted, at: datetime) -> None:
        """Record the announcement; a second one for the same incident is ignored."""
        ...

    def touch(self, incident_id: int, at: datetime) -> None:
        """Record that the card was updated at ``at``."""
        ...


@dataclass(frozen=True, slots=True)
class IncidentChannel:
    """The incident's own channel: its id and name, the summary's ``ts`` once posted, and
    when it was archived."""

    incident_id: int
    channel: str
    name: str
    summary_ts: str | None = None
    archived_at: datetime | None = None


class SlackChannelRepository(Protocol):
    def get(self, incident_id: int) -> IncidentChannel | None: ...

    def add(self, channel: IncidentChannel, at: datetime) -> None:
        """Record the created channel; a second one for the same incident is ignored."""
        ...

    def summarised(self, incident_id: int, ts: str) -> None: ...

    def archived(self, incident_id: int, at: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class SlackMember:
    """A tocsin person known to Slack by ``slack_user_id``."""

    person_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Slack:
    """Slack as configured: the API, the announcement channel and who is who."""

    api: SlackApi
    channel: str = "#incidents"
    announce: frozenset[Severity] = frozenset(Severity)
    members: Mapping[str, SlackMember] = field(default_factory=dict)
    """Slack user id -> tocsin person."""
    base_url: str = ""
    incident_channels: frozenset[Severity] = frozenset({Severity.P0, Severity.P1})
    """Severities whose incidents get their own channel (``inc-<id>-<slug>``)."""
    security_channel: str = ""
    """A private channel for security incidents' details (``security.slack_channel``); without
    one, Slack hears only "Restricted incident #N (P0)" and its clock."""

    def home(self, security: bool) -> str:
        """Where an incident's card is announced."""
        return self.security_channel if security and self.security_channel else self.channel

    def may_tell(self, security: bool, channel: str) -> bool:
        """Whether an incident's details may be written in ``channel``."""
        return not security or (bool(self.security_channel) and channel == self.security_channel)

    def user_of(self, person_id: str) -> str | None:
        """The Slack user id of a tocsin person; None when they have none."""
        return next((user for user, m in self.members.items() if m.person_id == person_id), None)

    def incident_url(self, incident_id: int) -> str:
        return f"{self.base_url}/incidents/{incident_id}" if self.base_url else ""
