"""THE inventory of job kinds: each ``JobKind`` maps to its handler and retry policy.

A handler runs inside the worker's unit of work, which also marks the job done: its database
effects and the completion commit together. Handlers must be idempotent (a job can run twice
when a worker dies after the effect but before the commit is acknowledged) and fenced (a timer
carries the incident ``generation`` it was scheduled for, and is a no-op when that is stale).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import structlog

from tocsin.bootstrap.services import AppServices
from tocsin.domain.delivery import RetryPolicy
from tocsin.domain.events import JobKind
from tocsin.services.github import actions as github_actions
from tocsin.services.github import github
from tocsin.services.incidents import deploys, postmortem_reminders
from tocsin.services.paging import escalation, notify, timers
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork
from tocsin.services.security import breach_communication, breach_reminders
from tocsin.services.slack import channels as slack_channels
from tocsin.services.slack import slack
from tocsin.services.statuspage import customer_email
from tocsin.services.statuspage import export as statuspage_export
from tocsin.services.statuspage import subscribers as statuspage_subscribers

log = structlog.get_logger(__name__)

Handler = Callable[[AppServices, UnitOfWork, Mapping[str, Any]], object]

DEFAULT_RETRY = RetryPolicy()
"""Back off from 5 s to 10 min, up to the deployment's ``worker.max_attempts``."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A kind's handler and its ``RetryPolicy`` (``domain.delivery``): the one retry policy,
    applied by the job engine (``worker.runner``) to whatever the handler raises."""

    handler: Handler
    retry: RetryPolicy = DEFAULT_RETRY


def breach_response_time(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
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


def escalate_sla_breach(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
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


_DELIVERY = RetryPolicy(backoff_base=timedelta(seconds=10), backoff_max=timedelta(minutes=5), delivery=True)
"""Pages, mails and webhooks back off from 10 s to 5 min: a mail server restarting is back in time."""
_PROVIDER = RetryPolicy(backoff_base=timedelta(seconds=10), delivery=True)
"""Slack, GitHub, the Art. 34 batches: back off from 10 s (their 429s are ``RetryAfter``s)."""

JOBS: Mapping[JobKind, JobSpec] = MappingProxyType(
    {
        JobKind.ACK_DEADLINE: JobSpec(breach_response_time),
        JobKind.SLA_BREACHED: JobSpec(escalate_sla_breach),  # legacy, see above
        JobKind.ESCALATION_STEP: JobSpec(escalation.fire_step),
        JobKind.NOTIFY: JobSpec(notify.deliver, _DELIVERY),
        # Slack (issue 6): a 429 is a RetryAfter, run again by the engine after Slack's wait.
        JobKind.SLACK_ANNOUNCE: JobSpec(slack.announce, _PROVIDER),
        JobKind.SLACK_UPDATE: JobSpec(slack.update, _PROVIDER),
        JobKind.SLACK_THREAD: JobSpec(slack.thread, _PROVIDER),
        JobKind.SLACK_EPHEMERAL: JobSpec(slack.ephemeral, RetryPolicy(max_attempts=3)),
        JobKind.SLACK_CHANNEL_OPEN: JobSpec(slack_channels.open_channel, _PROVIDER),
        JobKind.SLACK_CHANNEL_FILL: JobSpec(slack_channels.fill_channel, _PROVIDER),
        JobKind.SLACK_CHANNEL_ARCHIVE: JobSpec(slack_channels.archive_channel, _PROVIDER),
        # Status page (issue 8): the > 1 h timer is fenced by its own once-per-incident row.
        JobKind.STATUS_CUSTOMER_EMAIL: JobSpec(customer_email.fire),
        JobKind.STATUS_MAIL: JobSpec(customer_email.deliver, _DELIVERY),
        JobKind.STATUS_WEBHOOK: JobSpec(statuspage_subscribers.deliver_webhook, _DELIVERY),
        # Exports the current page; a late or repeated run finds the directory up to date.
        JobKind.STATUS_EXPORT: JobSpec(
            statuspage_export.on_change, RetryPolicy(backoff_base=timedelta(seconds=10))
        ),
        # GitHub (issue 7): a rate limit is a RetryAfter, waited out by the engine.
        JobKind.GITHUB_OPEN: JobSpec(github.open_issue, _PROVIDER),
        JobKind.GITHUB_SYNC: JobSpec(github.sync_issue, _PROVIDER),
        JobKind.GITHUB_EXPLAIN: JobSpec(github.explain, _PROVIDER),
        JobKind.GITHUB_REPORT: JobSpec(github.post_report, _PROVIDER),
        JobKind.GITHUB_ACTIONS: JobSpec(github_actions.sync_actions, _PROVIDER),
        # Post-mortem (issue 12): fenced by the deadline they were armed for.
        JobKind.POSTMORTEM_REMINDER: JobSpec(postmortem_reminders.remind),
        # Deploy correlation (issue 13): idempotent (a suspect is written once per deploy).
        JobKind.DEPLOY_CORRELATE: JobSpec(deploys.correlate),
        # GDPR breach: fenced by the aware_at they were armed for; no-ops once notified.
        JobKind.BREACH_REMINDER: JobSpec(breach_reminders.remind),
        # One batch of Art. 34 mails; each address is marked sent or failed, a re-run skips them.
        JobKind.BREACH_COMMUNICATE: JobSpec(breach_communication.deliver, _PROVIDER),
    }
)

OUTBOUND: frozenset[JobKind] = frozenset(kind for kind, spec in JOBS.items() if spec.retry.delivery)
"""Deliveries to a provider (mail server, webhook receiver, Slack, GitHub): retried through the
provider's outage for at least ``worker.delivery_retry_seconds`` before they are dead-lettered,
whatever their ``max_attempts``; they run in the worker's delivery lane."""
