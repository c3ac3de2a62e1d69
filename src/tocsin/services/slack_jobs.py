"""What every Slack job shares: Slack turned off makes it a no-op, and a 429 runs it again after
Slack's ``Retry-After`` instead of failing it. Any other error (``SlackUnavailable``, a missing
incident) propagates, and the job store retries the job with backoff.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from tocsin.domain.events import JobKind, JobRequest
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork
from tocsin.services.slack_ports import Slack, SlackRateLimited, SlackUnavailable

MAX_RATE_LIMITED = 20
"""429s one job waits out in a row; the next one fails it like any other Slack error."""

Step = Callable[[Services, UnitOfWork, Slack, Mapping[str, Any]], None]
"""One job's own work, run only when Slack is configured; returning means done."""
Handler = Callable[[Services, UnitOfWork, Mapping[str, Any]], bool]


def slack_job(kind: JobKind) -> Callable[[Step], Handler]:
    """Turn a ``Step`` into the worker handler of ``kind`` jobs.

    Slack off: done without running the step. A 429 raised anywhere in it: the job is
    rescheduled (``later``) and this run is done, so whatever the step wrote before the
    rate-limited call commits with the rescheduled job; a step therefore records a Slack effect
    only after the call that made it.
    """

    def wrap(step: Step) -> Handler:
        @functools.wraps(step)
        def handler(svc: Services, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
            slack = svc.slack
            if slack is None:
                return True
            try:
                step(svc, uow, slack, payload)
            except SlackRateLimited as exc:
                return later(svc, uow, kind, payload, exc)
            return True

        return handler

    return wrap


def later(
    svc: Services, uow: UnitOfWork, kind: JobKind, payload: Mapping[str, Any], exc: SlackRateLimited
) -> bool:
    """Slack said 429: run the same work again after its Retry-After, as a fresh job."""
    tries = int(payload.get("rate_limited", 0)) + 1
    if tries > MAX_RATE_LIMITED:
        raise SlackUnavailable(f"still rate limited after {MAX_RATE_LIMITED} waits") from exc
    again = {**payload, "rate_limited": tries}
    due = svc.clock.now() + timedelta(seconds=max(exc.retry_after, 1.0))
    parts = (kind.value, payload.get("incident_id", ""), payload.get("digest", ""), payload.get("key", ""))
    key = "slack:" + ":".join(str(p) for p in parts)
    uow.jobs.enqueue([JobRequest(kind, due, again, f"{key}:rl{tries}")])
    return True
