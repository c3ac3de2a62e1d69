"""What every Slack job shares: Slack turned off makes it a no-op. A 429 (``SlackRateLimited``,
a ``RetryAfter``) and any other error (``SlackUnavailable``, a missing incident) propagate: the
job engine runs the job again after Slack's ``Retry-After``, or retries it with backoff.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from tocsin.services.ports import UnitOfWork
from tocsin.services.slack.context import SlackJobContext
from tocsin.services.slack.ports import Slack

Step = Callable[[SlackJobContext, UnitOfWork, Slack, Mapping[str, Any]], None]
"""One job's own work, run only when Slack is configured; returning means done."""
Handler = Callable[[SlackJobContext, UnitOfWork, Mapping[str, Any]], bool]


def slack_job(step: Step) -> Handler:
    """Turn a ``Step`` into the worker handler of its jobs.

    Slack off: done without running the step. A 429 raised anywhere in it: the engine
    reschedules the job after Slack's wait, and whatever the step wrote before the
    rate-limited call commits with it; a step therefore records a Slack effect only after the
    call that made it.
    """

    @functools.wraps(step)
    def handler(svc: SlackJobContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
        slack = svc.slack
        if slack is None:
            return True
        step(svc, uow, slack, payload)
        return True

    return handler
