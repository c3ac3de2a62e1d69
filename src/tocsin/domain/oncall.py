"""Who is on call at an instant: rotations, layers and overrides. Pure and DST-correct.

A **rotation** hands the pager from one participant to the next at a local wall-clock time in
the schedule's zone: every day, every week on a given weekday, or every N days (counted in
local days, so a 09:00 handoff stays at 09:00 across daylight-saving changes). A shift length
that is not a whole number of days (say 12 h) is counted in elapsed time from the first
handoff instead. A rotation can be **restricted** to some weekdays and/or a daily window
(``09:00–18:00``; a window may wrap past midnight, then the weekday is the one it started on).

A **schedule** stacks rotations as **layers**: at any instant the highest layer that covers
that instant decides. **Overrides** (who, from, to) beat every layer; when two overlap, the one
listed last wins (``tocsin config check`` reports overlaps).

``on_call(schedule, at)`` answers for one instant. ``shifts(schedule, start, end)`` lays out the
final timeline over a window by sampling ``on_call`` at every instant where something could
change, so the two never disagree.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tocsin.domain.localtime import local, wall_to_utc

DAY = timedelta(days=1)
MAX_WINDOW = timedelta(days=400)


@dataclass(frozen=True, slots=True)
class Restriction:
    """When a layer applies: weekdays (0 = Monday) and an optional local daily window."""

    weekdays: frozenset[int] = frozenset(range(7))
    start: time | None = None
    end: time | None = None

    def covers(self, at_local: datetime) -> bool:
        if self.start is None or self.end is None:
            return at_local.weekday() in self.weekdays
        clock = at_local.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= clock < self.end and at_local.weekday() in self.weekdays
        if clock >= self.start:  # wraps past midnight: the evening part
            return at_local.weekday() in self.weekdays
        if clock < self.end:  # … and the morning part belongs to the previous day's window
            return (at_local.weekday() - 1) % 7 in self.weekdays
        return False

    @property
    def edges(self) -> tuple[time, ...]:
        """Local times of day at which coverage may change."""
        return tuple(t for t in (time(0, 0), self.start, self.end) if t is not None)


@dataclass(frozen=True, slots=True)
class Rotation:
    """Participants take turns; turn ``k`` starts ``k`` periods after the first handoff, which
    is ``anchor`` at ``handoff`` local time. Turns before the anchor count backwards."""

    participants: tuple[str, ...]
    tz: ZoneInfo
    anchor: date
    handoff: time
    period: timedelta
    restriction: Restriction = Restriction()

    @property
    def calendar_days(self) -> int | None:
        """The period in local days, or None when it is not a whole number of days."""
        days, rest = divmod(self.period, DAY)
        return int(days) if not rest and days else None

    def turn(self, at: datetime) -> tuple[int, datetime, datetime]:
        """``(k, start, end)`` of the turn in force at ``at``."""
        days = self.calendar_days
        if days is None:
            first = wall_to_utc(self.anchor, self.handoff, self.tz)
            k = (at - first) // self.period
            start = first + k * self.period
            return k, start, start + self.period
        k = (local(at, self.tz).date() - self.anchor).days // days
        start = self._handoff(k, days)
        if at < start:
            k -= 1
            start = self._handoff(k, days)
        return k, start, self._handoff(k + 1, days)

    def _handoff(self, k: int, days: int) -> datetime:
        return wall_to_utc(self.anchor + timedelta(days=k * days), self.handoff, self.tz)

    def who(self, at: datetime) -> str | None:
        """The participant on call at ``at``, or None outside the restriction (or if empty)."""
        if not self.participants or not self.restriction.covers(local(at, self.tz)):
            return None
        k, _, _ = self.turn(at)
        return self.participants[k % len(self.participants)]

    def changes(self, start: datetime, end: datetime) -> list[datetime]:
        """Every instant in ``[start, end)`` where this rotation's answer may change."""
        found: list[datetime] = []
        _, _, handoff = self.turn(start)
        while handoff < end:
            found.append(handoff)
            handoff = self.turn(handoff)[2]
        day = local(start, self.tz).date() - DAY
        last = local(end, self.tz).date() + DAY
        while day <= last:
            found.extend(wall_to_utc(day, edge, self.tz) for edge in self.restriction.edges)
            day += DAY
        return [t for t in found if start <= t < end]


@dataclass(frozen=True, slots=True)
class Override:
    person: str
    start: datetime
    end: datetime

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


@dataclass(frozen=True, slots=True)
class OnCall:
    """The answer for one instant: who, and what decided it (``override`` or ``layer N``)."""

    person: str
    source: str


@dataclass(frozen=True, slots=True)
class Shift:
    """One stretch of the final schedule: ``person`` is on call in ``[start, end)``."""

    person: str
    start: datetime
    end: datetime
    source: str


@dataclass(frozen=True, slots=True)
class Schedule:
    id: str
    name: str
    tz: ZoneInfo
    layers: tuple[Rotation, ...]  # lowest first: a higher layer wins where it covers
    overrides: tuple[Override, ...] = ()

    @property
    def participants(self) -> tuple[str, ...]:
        """Everyone who can be on call here, in order of first appearance."""
        people = [p for layer in self.layers for p in layer.participants]
        people += [o.person for o in self.overrides]
        return tuple(dict.fromkeys(people))


def on_call(schedule: Schedule, at: datetime) -> OnCall | None:
    """Who is on call in ``schedule`` at the aware instant ``at``; None if nobody is."""
    _require_aware(at)
    for override in reversed(schedule.overrides):
        if override.covers(at):
            return OnCall(override.person, "override")
    for index in range(len(schedule.layers) - 1, -1, -1):
        person = schedule.layers[index].who(at)
        if person is not None:
            return OnCall(person, f"layer {index + 1}")
    return None


def shifts(schedule: Schedule, start: datetime, end: datetime) -> list[Shift]:
    """The final schedule over ``[start, end)``, adjacent stretches of one person merged.

    The first shift starts at ``start`` and the last ends at ``end`` even if they run longer
    (see ``current_and_next`` for whole shifts). Gaps with nobody on call are left out.
    """
    _require_aware(start)
    if end - start > MAX_WINDOW:
        raise ValueError(f"window too long: at most {MAX_WINDOW.days} days")
    cuts = {start, end}
    for layer in schedule.layers:
        cuts.update(layer.changes(start, end))
    for override in schedule.overrides:
        cuts.update(t for t in (override.start, override.end) if start < t < end)
    ordered = sorted(cuts)
    result: list[Shift] = []
    for begin, finish in itertools.pairwise(ordered):
        current = on_call(schedule, begin)
        if current is None:
            continue
        if result and result[-1].person == current.person and result[-1].end == begin:
            last = result.pop()
            result.append(Shift(last.person, last.start, finish, last.source))
        else:
            result.append(Shift(current.person, begin, finish, current.source))
    return result


def current_and_next(
    schedule: Schedule, at: datetime, horizon: timedelta = timedelta(days=62)
) -> tuple[Shift | None, Shift | None]:
    """The shift in force at ``at`` (None if nobody is on call) and the one after it, each
    whole: the current one with its real start, the next one with its real end."""
    lookback = min(horizon, timedelta(days=31))
    window = shifts(schedule, at - lookback, at + horizon)
    current = next((s for s in window if s.start <= at < s.end), None)
    later = [s for s in window if s.start > at]
    return current, later[0] if later else None


def _require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
