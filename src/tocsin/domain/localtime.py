"""Wall-clock time in a named zone, with the two daylight-saving cases decided once.

A rotation hands off at a *local* time ("Monday 09:00 in Europe/Brussels"), so the instant of
a handoff depends on the zone's offset that day. Twice a year the local clock is not a
one-to-one map:

* **gap** (spring forward, e.g. 02:00 → 03:00 in Paris on the last Sunday of March): a local
  time inside the gap never happens. The handoff happens at the instant the clocks jump, the
  first moment whose local time is at or past the one asked for (03:00 local), as cron does.
* **fold** (fall back, e.g. 03:00 → 02:00 on the last Sunday of October): a local time in the
  fold happens twice. The handoff happens at the first of the two (``fold=0``).

Pure: stdlib and ``zoneinfo`` only; instants in and out are aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

_SECOND = timedelta(seconds=1)


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (an IANA name such as ``Europe/Paris``); cached."""
    return ZoneInfo(name)


def wall_to_utc(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant the local clock in ``tz`` shows ``day`` ``at`` (see the module docstring for
    the gap and the fold)."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    return _end_of_gap(naive, tz)


def _end_of_gap(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first instant whose local time is at or past ``naive``, which lies in a gap.

    ``fold=1`` reads the time with the offset after the jump (an instant before it) and
    ``fold=0`` with the offset before (an instant after it): the jump lies between, found by
    bisection to the second.
    """
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if low > high:  # pragma: no cover - a zone whose offset goes down across a gap
        low, high = high, low
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def local(at: datetime, tz: ZoneInfo) -> datetime:
    """``at`` as an aware local datetime in ``tz``."""
    return at.astimezone(tz)


def local_date(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()
