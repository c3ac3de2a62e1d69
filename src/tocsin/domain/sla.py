"""The response-time clock: when the incident must be acknowledged, and how close that is.

``ack_due_at = detected_at + response time of the severity``. The clock runs until the
incident is acknowledged (or resolved); then it stops and keeps the state it had at that
moment. ``at_risk`` means less than 20 % of the response time is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

AT_RISK_FRACTION = 0.2


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"


@dataclass(frozen=True, slots=True)
class SlaStatus:
    """The clock read at one instant. ``remaining_seconds`` is negative once breached."""

    state: SlaState
    remaining_seconds: float
    running: bool
    due_at: datetime


def status(
    *,
    due_at: datetime,
    response_time: timedelta,
    stopped_at: datetime | None,
    at: datetime,
) -> SlaStatus:
    """Read the clock at ``at``; a stopped clock is read at the moment it stopped."""
    read_at = stopped_at if stopped_at is not None else at
    remaining = (due_at - read_at).total_seconds()
    if remaining <= 0:
        state = SlaState.BREACHED
    elif remaining < response_time.total_seconds() * AT_RISK_FRACTION:
        state = SlaState.AT_RISK
    else:
        state = SlaState.OK
    return SlaStatus(state=state, remaining_seconds=remaining, running=stopped_at is None, due_at=due_at)
