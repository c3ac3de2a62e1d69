"""The incident's own Slack channel (``inc-<id>-<slug>``), for the severities configured in
``slack.incident_channels`` (default P0 and P1).

Three jobs, each safe to run twice: ``slack.channel_open`` creates the channel unless one is
recorded, records its id and queues ``slack.channel_fill``, which invites the people paged so
far who have a Slack id and posts the summary once (its ``ts`` is recorded);
``slack.channel_archive`` archives it when the incident is closed. The name is a function of
the incident, so a worker that dies after Slack created the channel but before its commit
can never make a second one: Slack answers ``name_taken`` and the job fails after its retries
(the channel then needs linking by hand). A 429 is rescheduled after ``Retry-After``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tocsin.domain import drill, markup
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork
from tocsin.services.slack.context import SlackContext
from tocsin.services.slack.jobs import slack_job
from tocsin.services.slack.ports import IncidentChannel, Slack

MAX_NAME = 80
"""Slack's limit on channel names."""


def channel_name(incident_id: int, title: str) -> str:
    """``inc-<id>-<slug>`` under Slack's rules: lowercase letters, digits, ``-`` and ``_``
    only (no spaces or periods), at most 80 characters. Accents are folded (``é`` -> ``e``)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_]+", "-", ascii_title.lower()).strip("-_")
    name = f"inc-{incident_id}-{slug}" if slug else f"inc-{incident_id}"
    return name[:MAX_NAME].rstrip("-_")


def jobs(svc: SlackContext, change: Change, at: datetime) -> list[JobRequest]:
    """The channel while an incident of a channel severity is open; its archive on close (pure:
    a reaction of ``services.reactions``)."""
    slack = svc.slack
    if slack is None:
        return []
    incident = change.incident
    payload = {"incident_id": int(incident.id)}
    jobs = []
    # a security incident gets no channel of its own: its name and summary would tell its words
    if incident.phase.is_open and incident.severity in slack.incident_channels and not incident.security:
        jobs.append(JobRequest(JobKind.SLACK_CHANNEL_OPEN, at, payload, f"slack:channel:{incident.id}"))
    if any(e.kind is EventKind.CLOSED for e in change.events):
        key = f"slack:channel_archive:{incident.id}"
        jobs.append(JobRequest(JobKind.SLACK_CHANNEL_ARCHIVE, at, payload, key))
    return jobs


@slack_job
def open_channel(svc: Services, uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Create the channel unless it exists; record it and queue its invitations and summary."""
    incident_id = int(payload["incident_id"])
    with svc.read() as read:
        if read.slack_channels.get(incident_id) is not None:
            return
        incident = read.incidents.get(IncidentId(incident_id))
    if not incident.phase.is_open or incident.security:
        return  # closed (or resolved, or restricted) before the job ran: no room to open
    name = channel_name(incident_id, drill.title(incident))
    channel = slack.api.create_channel(name)
    at = svc.clock.now()
    uow.slack_channels.add(IncidentChannel(incident_id, channel, name), at)
    fill = JobRequest(
        JobKind.SLACK_CHANNEL_FILL, at, {"incident_id": incident_id}, f"slack:channel_fill:{incident_id}"
    )
    uow.jobs.enqueue([fill])


@slack_job
def fill_channel(svc: Services, uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Invite the paged people who have a Slack id; post the summary unless it was posted."""
    incident_id = int(payload["incident_id"])
    with svc.read() as read:
        room = read.slack_channels.get(incident_id)
        if room is None or room.archived_at is not None:
            return
        incident = read.incidents.get(IncidentId(incident_id))
        escalation = read.escalations.get(incident.id)
    paged = escalation.notified if escalation is not None else ()
    users = [u for u in (slack.user_of(p) for p in paged) if u is not None]
    slack.api.invite(room.channel, list(dict.fromkeys(users)))
    if room.summary_ts is None and not incident.security:
        posted = slack.api.post_text(room.channel, _summary(incident, slack.incident_url(incident_id)))
        uow.slack_channels.summarised(incident_id, posted.ts)


@slack_job
def archive_channel(svc: Services, uow: UnitOfWork, slack: Slack, payload: Mapping[str, Any]) -> None:
    """Archive the incident's channel, once; no channel (never created) is nothing to do."""
    incident_id = int(payload["incident_id"])
    with svc.read() as read:
        room = read.slack_channels.get(incident_id)
    if room is None or room.archived_at is not None:
        return
    slack.api.archive(room.channel)
    uow.slack_channels.archived(incident_id, svc.clock.now())


def _summary(incident: Incident, url: str) -> str:
    lines = [
        f"*#{incident.id} [{incident.severity.value}] {markup.slack(drill.title(incident))}*",
        f"Phase: {incident.phase.value} · source: {markup.slack(incident.source)}"
        f" · ack due {incident.ack_due_at:%H:%M} UTC",
    ]
    if url:
        lines.append(f"<{url}|Open in tocsin>")
    return "\n".join(lines)[:3000]
