"""Daily uptime bars from a component's status history. Pure.

A component is operational until its first recorded change. Downtime weighs a major outage in
full and a partial outage at 30 % (degraded performance and maintenance are not downtime), the
usual weighting of hosted status pages. The percentage is cut, not rounded, to two decimals: a
few minutes of outage read 99.99 %, never 100.00 %; ``outage`` is the time spent in a partial or
major outage, unweighted, for the page to say how long.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tocsin.domain.statuspage import ComponentStatus, worst

DAY = timedelta(days=1)
_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.3}


@dataclass(frozen=True, slots=True)
class DayBar:
    day: date
    status: ComponentStatus
    downtime: timedelta


@dataclass(frozen=True, slots=True)
class Uptime:
    bars: tuple[DayBar, ...]
    percent: float
    outage: timedelta = timedelta(0)

    @property
    def outage_minutes(self) -> int:
        """Whole minutes of outage, rounded up: 20 seconds of outage is 1 min, not 0."""
        return math.ceil(self.outage.total_seconds() / 60)


def _intervals(
    history: Sequence[tuple[datetime, ComponentStatus]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime, ComponentStatus]]:
    spans: list[tuple[datetime, datetime, ComponentStatus]] = []
    current, since = ComponentStatus.OPERATIONAL, start
    for at, status in sorted(history, key=lambda h: h[0]):
        if at > since and at <= end:
            spans.append((since, at, current))
        current, since = status, max(since, at)
    if since < end:
        spans.append((since, end, current))
    return spans


def uptime(history: Sequence[tuple[datetime, ComponentStatus]], *, now: datetime, days: int = 90) -> Uptime:
    """One bar per UTC day, oldest first, ending today (up to ``now``)."""
    today = now.astimezone(UTC).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(), UTC)
    spans = _intervals(history, start, now)
    bars: list[DayBar] = []
    total_down = 0.0
    outage = sum(
        ((min(end, now) - begin).total_seconds() for begin, end, status in spans if status in _WEIGHT),
        0.0,
    )
    first_span = 0  # spans are consecutive: each day looks only at those that reach into it
    for offset in range(days):
        day_start = start + offset * DAY
        day_end = min(day_start + DAY, now)
        statuses: list[ComponentStatus] = []
        down = 0.0
        while first_span < len(spans) and spans[first_span][1] <= day_start:
            first_span += 1
        for begin, end, status in itertools.islice(spans, first_span, None):
            if begin >= day_end:
                break
            overlap = (min(end, day_end) - max(begin, day_start)).total_seconds()
            if overlap > 0:
                statuses.append(status)
                down += overlap * _WEIGHT.get(status, 0.0)
        total_down += down
        bars.append(DayBar(day_start.date(), worst(statuses), timedelta(seconds=round(down))))
    elapsed = (now - start).total_seconds()
    percent = 100.0 if elapsed <= 0 else max(0.0, 100.0 * (1 - total_down / elapsed))
    if total_down > 0:
        percent = min(math.floor(percent * 100 + 1e-9) / 100, 99.99)
    return Uptime(tuple(bars), percent, timedelta(seconds=round(outage)))
