"""Slack announcements: the reaction that enqueues them, and the jobs that post them.

Every incident whose severity is announced gets ONE ``slack.announce`` job (keyed by the
incident, so it is never enqueued twice); each later change enqueues a ``slack.update`` (the
card edited in place with ``chat.update``) and a ``slack.thread`` (the change's timeline
lines, in the card's thread). Handlers render the incident as it is when they run, so updates
arriving out of order still leave the card right.

A rate-limited request (429) is rescheduled after Slack's ``Retry-After``; any other failure
raises and the job store retries with backoff. A worker that dies after Slack took the
announcement but before its commit does not post a second card: the retry finds the first one
by its metadata (see ``announce``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import drill, markup, restriction
from tocsin.domain.alert import AlertCounts
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.services.context import Services
from tocsin.services.incidents import diagnostics
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.outbound import sends as outbound
from tocsin.services.ports import UnitOfWork
from tocsin.services.slack.context import SlackContext
from tocsin.services.slack.jobs import slack_job
from tocsin.services.slack.ports import Card, Posted, Slack, SlackUnavailable

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,}$")
"""A public (C…) or private (G…) channel id: what ``conversations.history`` reads."""

QUIET = frozenset({EventKind.DECLARED, EventKind.NOTIFIED})
"""Events that do not go to the thread: the card itself says it, or it is tocsin's own noise."""


def jobs(svc: SlackContext, change: Change, at: datetime) -> list[JobRequest]:
    """The announcement (first time) and, for a later change, its update and thread (pure: a
    reaction of ``services.reactions``)."""
    slack = svc.slack
    if slack is None:
        return []
    incident = change.incident
    base = {"incident_id": int(incident.id)}
    jobs: list[JobRequest] = []
    if incident.severity in slack.announce:
        jobs.append(JobRequest(JobKind.SLACK_ANNOUNCE, at, base, f"slack:announce:{incident.id}"))
    if change.events and not any(e.kind is EventKind.DECLARED for e in change.events):
        digest = _digest(change.events)
        payload = {**base, "digest": digest}
        jobs.append(JobRequest(JobKind.SLACK_UPDATE, at, payload, f"slack:update:{incident.id}:{digest}"))
        lines = [_line(e) for e in change.events if e.kind not in QUIET]
        if lines:
            thread = {**payload, "text": "\n".join(lines)}
            jobs.append(JobRequest(JobKind.SLACK_THREAD, at, thread, f"slack:thread:{incident.id}:{digest}"))
    return jobs


def _digest(events: Sequence[TimelineEvent]) -> str:
    text = "\n".join(f"{e.kind.value}|{e.at.isoformat()}|{e.actor}|{e.text}" for e in events)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _line(event: TimelineEvent) -> str:
    return f"{event.at:%H:%M} UTC · {markup.slack(event.actor)}: {markup.slack(event.text)}"[:3000]


@slack_job
def announce(svc: IncidentsContext, uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Post the incident's card unless it was posted already; store its channel and ts.

    ``chat.postMessage`` has no idempotency key, so the card carries metadata naming the
    incident: when an earlier attempt may have reached Slack (tocsin stopped before recording
    it; ``services.outbound.sends``), the card is looked up in the channel first
    (``conversations.history``) and only posted if it is not there. A channel given by name
    cannot be read back: the card is then posted again, marked as a possible repeat."""
    incident_id = int(payload["incident_id"])
    with svc.read() as read:
        if read.slack_messages.get(incident_id) is not None:
            return
        channel = slack.home(read.incidents.get(IncidentId(incident_id)).security)
        card = _card(svc, slack, read, incident_id, channel)
    key = f"slack:announce:{incident_id}"
    posted = None
    if outbound.start(svc, key):  # kept on a failure: Slack may have taken it before failing
        if CHANNEL_ID.match(channel):
            posted = slack.api.find_card(channel, incident_id)
        else:
            card = replace(card, possible_repeat=True)
    if posted is None:
        posted = slack.api.post_card(channel, card)
    uow.sends.finish(key)
    uow.slack_messages.add(incident_id, posted, svc.clock.now())


@slack_job
def update(svc: IncidentsContext, uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Edit the card in place so it shows the incident as it is now. One edit of a card at a
    time: a concurrent one finishes first, then this one reads and renders the newer state."""
    incident_id = int(payload["incident_id"])
    uow.hold("slack.card", incident_id)
    with svc.read() as read:
        posted = _announced(slack, read, incident_id)
        if posted is None:
            return
        card = _card(svc, slack, read, incident_id, posted.channel)
    slack.api.update_card(posted, card)
    uow.slack_messages.touch(incident_id, svc.clock.now())


@slack_job
def thread(svc: Services, _uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Post one change's timeline lines as a reply in the card's thread."""
    incident_id = int(payload["incident_id"])
    with svc.read() as read:
        posted = _announced(slack, read, incident_id)
        security = read.incidents.get(IncidentId(incident_id)).security
    if posted is not None and slack.may_tell(security, posted.channel):
        slack.api.post_text(posted.channel, str(payload["text"]), thread_ts=posted.ts)


@slack_job
def ephemeral(_svc: Services, _uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Tell one Slack user something only they see (an unmapped user, a refused action)."""
    slack.api.post_ephemeral(str(payload["channel"]), str(payload["user"]), str(payload["text"]))


def _announced(slack: Slack, read: UnitOfWork, incident_id: int) -> Posted | None:
    """The card to edit; None when the incident is not announced (its severity is not);
    raises to retry later when the announcement is due but not posted yet."""
    posted = read.slack_messages.get(incident_id)
    if posted is None and read.incidents.get(IncidentId(incident_id)).severity in slack.announce:
        raise SlackUnavailable(f"incident {incident_id} is not announced yet")
    return posted


def _card(svc: IncidentsContext, slack: Slack, read: UnitOfWork, incident_id: int, channel: str) -> Card:
    incident = read.incidents.get(IncidentId(incident_id))
    counts = read.alerts.counts([incident.id]).get(incident.id, AlertCounts())
    issue = read.github.link(incident_id)
    if not slack.may_tell(incident.security, channel):
        return Card(
            incident_id=incident_id,
            title=drill.mark(restriction.restricted_title(incident), incident.drill),
            severity=incident.severity.value,
            phase=incident.phase.value,
            source="restricted: details in tocsin for the security role",
            ack_due_at=incident.ack_due_at,
            acknowledged_by="a responder" if incident.acknowledged_by else None,
            resolved=incident.resolved_at is not None,
            alerts_firing=0,
            alerts_total=0,
            url=slack.incident_url(incident_id),
        )
    return Card(
        incident_id=incident_id,
        title=drill.title(incident),
        severity=incident.severity.value,
        phase=incident.phase.value,
        source=incident.source,
        ack_due_at=incident.ack_due_at,
        acknowledged_by=incident.acknowledged_by,
        resolved=incident.resolved_at is not None,
        alerts_firing=counts.firing,
        alerts_total=counts.total,
        url=slack.incident_url(incident_id),
        issue_url=issue.url if issue else "",
        diagnostics=tuple(diagnostics.links_in(svc, read, incident)),
    )
