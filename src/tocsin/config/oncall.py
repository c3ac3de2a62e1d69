"""On-call schedules as written in ``tocsin.yaml``, and their translation into the domain.

A schedule's own keys (``rotation``, ``handoff_day``, ``handoff``, ``participants``…) are its
first layer, exactly as before layers existed; ``layers`` adds more on top (a later layer wins
where it applies) and ``overrides`` beat them all::

    schedules:
      sre_oncall:
        timezone: Europe/Brussels
        rotation: weekly            # daily, weekly, or custom with shift_length (3d, 12h…)
        handoff_day: monday
        handoff: "09:00"
        starts_on: 2026-01-05       # the rotation's first handoff is on/after this day
        participants: [sofia, theo, nora]
        layers:
          - participants: [hugo]
            rotation: daily
            weekdays: [monday, tuesday, wednesday, thursday, friday]
            between: "09:00-18:00"   # local time; may wrap past midnight (22:00-06:00)
        overrides:
          - {person: camille, from: "2026-04-01 12:00", to: "2026-04-02 12:00"}

Override times without an offset are local times in the schedule's zone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from tocsin.config.fields import ClockTime, Identifier, IdentifierList, OptionalDuration, StringList, error
from tocsin.config.sections import Section
from tocsin.domain.localtime import zone
from tocsin.domain.oncall import Override, Restriction, Rotation, Schedule

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DEFAULT_START = date(2024, 1, 1)
_BETWEEN = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")
_MIN_SHIFT = timedelta(hours=1)


class RotationSettings(Section):
    """Participants take turns, handing off at ``handoff`` local time."""

    rotation: Literal["daily", "weekly", "custom"] = "weekly"
    handoff_day: Weekday = Field(default="monday", description="Weekly rotations only.")
    handoff: ClockTime = time(9, 0)
    shift_length: OptionalDuration = Field(
        default=None, description="Custom rotations only: 3d (local days) or 12h (elapsed time)."
    )
    starts_on: date = Field(default=DEFAULT_START, description="The first handoff is on or after this day.")
    participants: IdentifierList = Field(
        default_factory=list, description="Person ids, in the order they take turns."
    )

    @field_validator("rotation", "handoff_day", mode="before")
    @classmethod
    def _lowercase(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _custom_needs_length(self) -> Any:
        if self.rotation == "custom" and self.shift_length is None:
            raise error("rotation", "a custom rotation needs shift_length (e.g. 3d or 12h)")
        if self.rotation != "custom" and self.shift_length is not None:
            raise error("rotation", "shift_length is for rotation: custom only")
        if self.shift_length is not None and self.shift_length < _MIN_SHIFT:
            raise error("rotation", "shift_length must be at least 1h")
        return self

    def period(self) -> timedelta:
        if self.shift_length is not None:
            return self.shift_length
        return timedelta(days=7 if self.rotation == "weekly" else 1)

    def anchor(self) -> date:
        """The local day of the first handoff: for weekly rotations the first ``handoff_day``
        on or after ``starts_on``."""
        if self.rotation != "weekly":
            return self.starts_on
        ahead = (WEEKDAYS.index(self.handoff_day) - self.starts_on.weekday()) % 7
        return self.starts_on + timedelta(days=ahead)

    def to_rotation(self, tz_name: str, restriction: Restriction | None = None) -> Rotation:
        return Rotation(
            participants=tuple(self.participants),
            tz=zone(tz_name),
            anchor=self.anchor(),
            handoff=self.handoff,
            period=self.period(),
            restriction=restriction or Restriction(),
        )


class LayerSettings(RotationSettings):
    """A rotation stacked on the schedule, optionally restricted to some days and hours."""

    name: str | None = None
    weekdays: StringList = Field(default_factory=lambda: list(WEEKDAYS))
    between: str | None = Field(default=None, description="Local daily window, e.g. 09:00-18:00.")

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        days = [day.lower() for day in value]
        unknown = [day for day in days if day not in WEEKDAYS]
        if unknown:
            raise error("weekday", f"not a weekday: {unknown[0]!r} (write monday … sunday)")
        return days

    @field_validator("between")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None and not _BETWEEN.match(value):
            raise error("between", f"not a daily window: {value!r} (write HH:MM-HH:MM, e.g. 09:00-18:00)")
        return value

    def restriction(self) -> Restriction:
        days = frozenset(WEEKDAYS.index(day) for day in self.weekdays)
        match = _BETWEEN.match(self.between) if self.between else None
        if match is None:
            return Restriction(weekdays=days)
        start, end = time(int(match[1]), int(match[2])), time(int(match[3]), int(match[4]))
        return Restriction(weekdays=days, start=start, end=end)


class OverrideSettings(Section):
    """``person`` is on call from ``from`` to ``to``, whatever the layers say."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    person: Identifier
    starts: datetime = Field(alias="from")
    ends: datetime = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> Any:
        naive = (self.starts.tzinfo is None) != (self.ends.tzinfo is None)
        if naive:
            raise error("override", "give both times with an offset, or neither (local times)")
        if self.ends <= self.starts:
            raise error("override", "'to' must be after 'from'")
        return self

    def to_domain(self, tz_name: str) -> Override:
        return Override(self.person, _instant(self.starts, tz_name), _instant(self.ends, tz_name))


def _instant(value: datetime, tz_name: str) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=zone(tz_name)).astimezone(UTC)
    return value.astimezone(UTC)


def schedule_to_domain(
    ident: str,
    *,
    name: str,
    timezone: str,
    base: RotationSettings,
    layers: list[LayerSettings],
    overrides: list[OverrideSettings],
) -> Schedule:
    """The domain ``Schedule``: the base rotation (if it has participants) under ``layers``."""
    rotations = [base.to_rotation(timezone)] if base.participants else []
    rotations += [layer.to_rotation(timezone, layer.restriction()) for layer in layers]
    return Schedule(
        id=ident,
        name=name,
        tz=zone(timezone),
        layers=tuple(rotations),
        overrides=tuple(o.to_domain(timezone) for o in overrides),
    )


def overlapping_overrides(overrides: list[OverrideSettings], tz_name: str) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of overrides whose times overlap."""
    spans = [o.to_domain(tz_name) for o in overrides]
    return [
        (i, j)
        for i, a in enumerate(spans)
        for j, b in enumerate(spans)
        if i < j and a.start < b.end and b.start < a.end
    ]


def schedule_people(schedules: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """``(location, person)`` for the people named in layers and overrides (the base
    participants are checked with the other member lists)."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for ident, schedule in schedules.items():
        for i, layer in enumerate(schedule.layers):
            found += [
                (("schedules", ident, "layers", i, "participants", j), p)
                for j, p in enumerate(layer.participants)
            ]
        for i, override in enumerate(schedule.overrides):
            found.append((("schedules", ident, "overrides", i, "person"), override.person))
    return found


def schedule_errors(schedules: Any, used: set[str]) -> list[str]:
    """Problems that make ``tocsin config check`` fail (tocsin itself still starts with them,
    so an override typed in a hurry never keeps the pager down): a schedule that nobody can
    ever be on call in, overlapping overrides. ``used``: schedule ids the policies page."""
    problems = []
    for ident, schedule in schedules.items():
        nobody = not schedule.participants and not any(layer.participants for layer in schedule.layers)
        if nobody:
            paged = " and escalation pages it" if ident in used else ""
            problems.append(f"schedules.{ident}: has no participants{paged}: nobody is ever on call")
        for i, j in overlapping_overrides(schedule.overrides, schedule.timezone):
            first, second = schedule.overrides[i], schedule.overrides[j]
            problems.append(
                f"schedules.{ident}.overrides[{j}]: {second.person} overlaps overrides[{i}] "
                f"({first.person}, {first.starts:%Y-%m-%d %H:%M}–{first.ends:%Y-%m-%d %H:%M})"
            )
    return problems
