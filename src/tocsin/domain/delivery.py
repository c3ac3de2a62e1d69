"""THE retry policy of every job, and what a delivery's adapter may say when it did not deliver.

Adapters (SMTP, webhooks, Slack, GitHub, Twilio, ntfy) never retry nor sleep: they raise
``Undeliverable`` (refused for good), ``RetryAfter`` (told to wait: a 429's ``Retry-After``) or
``DeliveryFailed`` (anything else), and the job engine decides with the job's ``RetryPolicy``:
back off and try again, ride out the provider's outage, run again after the wait, or give up.
Pure: no clock (times are parameters), no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

MAX_DOUBLINGS = 30  # keeps the arithmetic far from timedelta overflow; backoff_max caps long before
MAX_WAITS = 20
"""``RetryAfter`` waits one job honours in a row; the next one counts as a failed attempt."""
MIN_WAIT = timedelta(seconds=1)


class DeliveryFailed(Exception):
    """The channel could not deliver now; the job is retried with backoff, then dead-lettered.

    The message must never carry a secret (password, webhook secret, signature).
    """


class Undeliverable(DeliveryFailed):
    """The provider refused the message for good (a 4xx: a bad number, an unknown topic):
    never retried; the method is marked failed, the person's next method goes at once and the
    admins are told."""


class RetryAfter(DeliveryFailed):
    """The provider said "not now, in ``delay`` seconds" (a 429 with ``Retry-After``): the job
    engine runs the job again after that delay (at least ``MIN_WAIT``) instead of backing off,
    without counting an attempt, at most ``MAX_WAITS`` times in a row. What the handler wrote
    before the call that was told to wait commits with the rescheduled job, so a handler
    records a provider's effect only after the call that made it."""

    def __init__(self, message: str, delay: float) -> None:
        super().__init__(message)
        self.delay = delay

    @property
    def wait(self) -> timedelta:
        return max(timedelta(seconds=self.delay), MIN_WAIT)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How the engine retries a failed job.

    ``max_attempts=None`` keeps the limit stored on the job (the deployment default).
    ``delivery``: a delivery to a provider (mail server, webhook receiver, Slack, GitHub…):
    it rides out the provider's outage (``retry_for``, the deployment's
    ``worker.delivery_retry_seconds``) instead of being dead-lettered mid-outage.
    ``retry_for``: keep retrying, past ``max_attempts``, until the job is that old."""

    max_attempts: int | None = None
    backoff_base: timedelta = timedelta(seconds=5)
    backoff_max: timedelta = timedelta(minutes=10)
    retry_for: timedelta | None = None
    delivery: bool = False

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """Exponential: base, 2·base, 4·base … capped at ``backoff_max``, then scaled by
        ``jitter`` in [0.5, 1] so that jobs failing together do not retry together."""
        doublings = min(max(attempts - 1, 0), MAX_DOUBLINGS)
        exponential = self.backoff_base * (1 << doublings)
        return min(exponential, self.backoff_max) * jitter

    def deployed(self, max_attempts: int, delivery_retry: timedelta) -> RetryPolicy:
        """The policy in force: a delivery names its limit (its own, else the deployment's ``max_attempts``:
        the stored one moves while it rides out an outage) and rides out ``delivery_retry``."""
        if not self.delivery:
            return self
        return replace(self, max_attempts=self.max_attempts or max_attempts, retry_for=delivery_retry)


def too_many_requests(what: str, retry_after: str | None) -> DeliveryFailed:
    """What an adapter raises for an HTTP 429: a ``RetryAfter`` when the provider said how
    long to wait (``Retry-After`` in seconds), else a plain ``DeliveryFailed`` (backoff)."""
    text = f"{what}: HTTP 429"
    value = (retry_after or "").strip()
    if value.isdigit():
        return RetryAfter(f"{text}, retry after {value} s", float(value))
    return DeliveryFailed(text)
