"""THE inventory of job kinds: each ``JobKind`` maps to its handler and retry policy.

A handler runs inside the worker's unit of work, which also marks the job done: its database
effects and the completion commit together. Handlers must be idempotent (a job can run twice
when a worker dies after the effect but before the commit is acknowledged) and fenced (a timer
carries the incident ``generation`` it was scheduled for, and is a no-op when that is stale).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import structlog

from tocsin.adapters.db.jobs import RetryPolicy
from tocsin.domain.events import JobKind
from tocsin.services import (
    breach_communication,
    breach_reminders,
    customer_email,
    deploys,
    escalation,
    github,
    github_actions,
    notify,
    postmortem_reminders,
    slack,
    slack_channels,
    statuspage_export,
    timers,
)
from tocsin.services import subscribers as statuspage_subscribers
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork

log = structlog.get_logger(__name__)

Handler = Callable[[Services, UnitOfWork, Mapping[str, Any]], object]


@dataclass(frozen=True, slots=True)
class JobSpec:
    """``max_attempts=None`` uses the deployment default (``worker.max_attempts``)."""

    handler: Handler
    max_attempts: int | None = None
    backoff_base: timedelta = timedelta(seconds=5)
    backoff_max: timedelta = timedelta(minutes=10)

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(self.max_attempts, self.backoff_base, self.backoff_max)


OUTBOUND: frozenset[JobKind] = frozenset(
    {
        JobKind.NOTIFY,
        JobKind.SLACK_ANNOUNCE,
        JobKind.SLACK_UPDATE,
        JobKind.SLACK_THREAD,
        JobKind.SLACK_CHANNEL_OPEN,
        JobKind.SLACK_CHANNEL_FILL,
        JobKind.SLACK_CHANNEL_ARCHIVE,
        JobKind.STATUS_MAIL,
        JobKind.STATUS_WEBHOOK,
        JobKind.GITHUB_OPEN,
        JobKind.GITHUB_SYNC,
        JobKind.GITHUB_EXPLAIN,
        JobKind.GITHUB_REPORT,
        JobKind.GITHUB_ACTIONS,
        JobKind.BREACH_COMMUNICATE,
    }
)
"""Deliveries to a provider (mail server, webhook receiver, Slack, GitHub): retried through the
provider's outage for at least ``worker.delivery_retry_seconds`` before they are dead-lettered,
whatever their ``max_attempts``."""


def retry_policy(kind: JobKind, spec: JobSpec, delivery_retry: timedelta, max_attempts: int) -> RetryPolicy:
    """The job's policy; an outbound one names its limit (``max_attempts``: the deployment's
    unless the spec has its own), as the stored one moves while it rides out an outage."""
    if kind not in OUTBOUND:
        return spec.retry
    return replace(spec.retry, max_attempts=spec.max_attempts or max_attempts, retry_for=delivery_retry)


def breach_response_time(svc: Services, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The response time ran out (``sla.ack_deadline``, the one timer): the breach and its
    escalation step in one change; logged when it breached (not when stale)."""
    breached = timers.fire_ack_deadline(svc, uow, payload)
    if breached:
        log.warning(
            "incident.sla_breached",
            incident_id=payload.get("incident_id"),
            generation=payload.get("generation"),
        )
    return breached


def escalate_sla_breach(svc: Services, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The legacy ``sla.breached`` job, queued before the upgrade (no longer enqueued): log it,
    and escalate to the next step of its policy (fenced by ``generation``; a no-op when a step
    already ran at the deadline, as the ack-deadline timer now escalates itself)."""
    log.warning(
        "incident.sla_breached",
        incident_id=payload.get("incident_id"),
        severity=payload.get("severity"),
        generation=payload.get("generation"),
    )
    return escalation.escalate_on_breach(svc, uow, payload)


_SLACK = timedelta(seconds=10)

JOBS: Mapping[JobKind, JobSpec] = MappingProxyType(
    {
        JobKind.ACK_DEADLINE: JobSpec(handler=breach_response_time),
        JobKind.SLA_BREACHED: JobSpec(handler=escalate_sla_breach),  # legacy, see above
        JobKind.ESCALATION_STEP: JobSpec(handler=escalation.fire_step),
        # Deliveries back off from 10 s to 5 min: a mail server restarting is back in time.
        JobKind.NOTIFY: JobSpec(
            handler=notify.deliver, backoff_base=timedelta(seconds=10), backoff_max=timedelta(minutes=5)
        ),
        # Slack (issue 6): 429s are rescheduled after Retry-After by the handlers themselves.
        JobKind.SLACK_ANNOUNCE: JobSpec(handler=slack.announce, backoff_base=timedelta(seconds=10)),
        JobKind.SLACK_UPDATE: JobSpec(handler=slack.update, backoff_base=timedelta(seconds=10)),
        JobKind.SLACK_THREAD: JobSpec(handler=slack.thread, backoff_base=timedelta(seconds=10)),
        JobKind.SLACK_EPHEMERAL: JobSpec(handler=slack.ephemeral, max_attempts=3),
        JobKind.SLACK_CHANNEL_OPEN: JobSpec(handler=slack_channels.open_channel, backoff_base=_SLACK),
        JobKind.SLACK_CHANNEL_FILL: JobSpec(handler=slack_channels.fill_channel, backoff_base=_SLACK),
        JobKind.SLACK_CHANNEL_ARCHIVE: JobSpec(handler=slack_channels.archive_channel, backoff_base=_SLACK),
        # Status page (issue 8): the > 1 h timer is fenced by its own once-per-incident row.
        JobKind.STATUS_CUSTOMER_EMAIL: JobSpec(handler=customer_email.fire),
        JobKind.STATUS_MAIL: JobSpec(
            handler=customer_email.deliver,
            backoff_base=timedelta(seconds=10),
            backoff_max=timedelta(minutes=5),
        ),
        JobKind.STATUS_WEBHOOK: JobSpec(
            handler=statuspage_subscribers.deliver_webhook,
            backoff_base=timedelta(seconds=10),
            backoff_max=timedelta(minutes=5),
        ),
        # Exports the current page; a late or repeated run finds the directory up to date.
        JobKind.STATUS_EXPORT: JobSpec(
            handler=statuspage_export.on_change, backoff_base=timedelta(seconds=10)
        ),
        # GitHub (issue 7): short rate limits are waited out in the adapter; longer ones back off.
        JobKind.GITHUB_OPEN: JobSpec(handler=github.open_issue, backoff_base=timedelta(seconds=10)),
        JobKind.GITHUB_SYNC: JobSpec(handler=github.sync_issue, backoff_base=timedelta(seconds=10)),
        JobKind.GITHUB_EXPLAIN: JobSpec(handler=github.explain, backoff_base=timedelta(seconds=10)),
        JobKind.GITHUB_REPORT: JobSpec(handler=github.post_report, backoff_base=timedelta(seconds=10)),
        JobKind.GITHUB_ACTIONS: JobSpec(
            handler=github_actions.sync_actions, backoff_base=timedelta(seconds=10)
        ),
        # Post-mortem (issue 12): fenced by the deadline they were armed for.
        JobKind.POSTMORTEM_REMINDER: JobSpec(handler=postmortem_reminders.remind),
        # Deploy correlation (issue 13): idempotent (a suspect is written once per deploy).
        JobKind.DEPLOY_CORRELATE: JobSpec(handler=deploys.correlate),
        # GDPR breach: fenced by the aware_at they were armed for; no-ops once notified.
        JobKind.BREACH_REMINDER: JobSpec(handler=breach_reminders.remind),
        # One batch of Art. 34 mails; each address is marked sent or failed, a re-run skips them.
        JobKind.BREACH_COMMUNICATE: JobSpec(
            handler=breach_communication.deliver, backoff_base=timedelta(seconds=10)
        ),
    }
)
