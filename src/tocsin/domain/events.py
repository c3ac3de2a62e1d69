"""Timeline events and the durable jobs a command implies.

Every command returns a ``Change``: the new incident, the timeline events to append and the
jobs to enqueue, all written by the service in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tocsin.domain.incident import Incident


class EventKind(StrEnum):
    DECLARED = "declared"
    ACKNOWLEDGED = "acknowledged"
    SEVERITY_CHANGED = "severity_changed"
    IMPACT_ASSESSED = "impact_assessed"
    PHASE_CHANGED = "phase_changed"
    RENAMED = "renamed"
    NOTE = "note"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"
    SLA_BREACHED = "sla_breached"
    SECURITY_MARKED = "security_marked"
    SECURITY_UNMARKED = "security_unmarked"
    SECURITY_STEP = "security_step"
    # alert intake (issue 3)
    ALERT_FIRED = "alert_fired"
    ALERT_RESOLVED = "alert_resolved"
    ALERTS_CLEARED = "alerts_cleared"
    ALERTS_TRUNCATED = "alerts_truncated"
    SEVERITY_PROPOSED = "severity_proposed"
    # escalation and notifications (issue 4)
    ESCALATED = "escalated"
    ESCALATION_STOPPED = "escalation_stopped"
    NOTIFIED = "notified"
    # status page (issue 8)
    STATUS_DRAFTED = "status_drafted"
    STATUS_POSTED = "status_posted"
    CUSTOMER_EMAIL = "customer_email"
    # GitHub issues (issue 7)
    GITHUB_ISSUE_CLOSED = "github_issue_closed"
    GITHUB_COMMENT = "github_comment"
    # post-mortem (issue 12): opened, started, completed, waived, reopened, reminder
    POSTMORTEM = "postmortem"
    # the plan's checklists, ticked (issue 13)
    CHECKLIST = "checklist"
    # a deploy suspected of causing the incident (issue 13)
    DEPLOY = "deploy"
    # an isolation action run or undone (security procedure, step 1)
    ISOLATION = "isolation"
    # GDPR personal-data breach (Art. 33/34): recorded, assessed, notified, reminders, Art. 34
    BREACH = "breach"


class JobKind(StrEnum):
    """Every kind of durable job; ``worker/jobs.py`` maps each one to its handler."""

    ACK_DEADLINE = "sla.ack_deadline"
    SLA_BREACHED = "sla.breached"  # legacy: no longer enqueued (ACK_DEADLINE escalates), still run
    ESCALATION_STEP = "escalation.step"
    NOTIFY = "notify.deliver"
    # Slack chat-ops (issue 6)
    SLACK_ANNOUNCE = "slack.announce"
    SLACK_UPDATE = "slack.update"
    SLACK_THREAD = "slack.thread"
    SLACK_EPHEMERAL = "slack.ephemeral"
    SLACK_CHANNEL_OPEN = "slack.channel_open"
    SLACK_CHANNEL_FILL = "slack.channel_fill"
    SLACK_CHANNEL_ARCHIVE = "slack.channel_archive"
    # status page (issue 8)
    STATUS_CUSTOMER_EMAIL = "statuspage.customer_email"
    STATUS_MAIL = "statuspage.mail"
    STATUS_WEBHOOK = "statuspage.webhook"
    STATUS_EXPORT = "statuspage.export"
    # GitHub issues (issue 7)
    GITHUB_OPEN = "github.open"
    GITHUB_SYNC = "github.sync"
    GITHUB_EXPLAIN = "github.explain"
    GITHUB_REPORT = "github.report"
    GITHUB_ACTIONS = "github.actions"
    # post-mortem (issue 12)
    POSTMORTEM_REMINDER = "postmortem.reminder"
    # deploy correlation (issue 13)
    DEPLOY_CORRELATE = "deploys.correlate"
    # GDPR personal-data breach: the 72 h clock's reminders and escalation, Art. 34 mail batches
    BREACH_REMINDER = "breach.reminder"
    BREACH_COMMUNICATE = "breach.communicate"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """Who did what, when: the raw material of the plan's Incident Report timeline."""

    kind: EventKind
    at: datetime
    actor: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)


def timeline_event(kind: EventKind, at: datetime, by: str, text: str, **data: object) -> TimelineEvent:
    """A timeline line of ``kind`` by ``by`` at ``at``; ``data`` are its facts."""
    return TimelineEvent(kind=kind, at=at, actor=by, text=text, data=data)


@dataclass(frozen=True, slots=True)
class JobRequest:
    """A job to enqueue. ``key`` makes enqueueing idempotent: a second request with the same
    key is ignored."""

    kind: JobKind
    due_at: datetime
    payload: Mapping[str, Any]
    key: str


@dataclass(frozen=True, slots=True)
class Change:
    incident: Incident
    events: tuple[TimelineEvent, ...] = ()
    jobs: tuple[JobRequest, ...] = ()
    cancel_keys: tuple[str, ...] = ()
