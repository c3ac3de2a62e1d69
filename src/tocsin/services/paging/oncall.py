"""On-call queries: who is on call now and next, per schedule and per escalation target, and
the shifts that the iCal feeds publish. Read-only; the answers come from the pure
``domain.oncall`` functions over the directory in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput, NotFound
from tocsin.domain.notification import Person
from tocsin.domain.oncall import Shift, current_and_next, shifts
from tocsin.domain.severity import Severity
from tocsin.services.paging.ports import Paging

MAX_FEED_WINDOW = timedelta(days=180)


@dataclass(frozen=True, slots=True)
class ScheduleNow:
    id: str
    name: str
    timezone: str
    current: Shift | None
    next: Shift | None


@dataclass(frozen=True, slots=True)
class TargetNow:
    """An escalation target of the plan and the people it reaches right now."""

    target: str  # role:cto, schedule:sre_oncall, team:dev, person:alice
    kind: str
    name: str
    people: tuple[Person, ...]
    severities: tuple[Severity, ...]


def schedules_now(paging: Paging, at: datetime) -> list[ScheduleNow]:
    """Every schedule with its current and next shift (None when nobody is on call)."""
    result = []
    for ident, schedule in sorted(paging.directory.schedules.items()):
        current, following = current_and_next(schedule, at)
        result.append(ScheduleNow(ident, schedule.name, schedule.tz.key, current, following))
    return result


def on_call_now(paging: Paging, at: datetime) -> list[TargetNow]:
    """One entry per target of the severities' escalation policies (every step), in severity
    order, with the people each one pages at ``at`` (a schedule: whoever is on call then).

    This is what the dashboard's "on call now" panel shows."""
    severities_of: dict[str, list[Severity]] = {}
    for severity in Severity:
        policy = paging.policies.get(severity)
        for step in policy.steps if policy else ():
            for target in step.targets:
                listed = severities_of.setdefault(target, [])
                if severity not in listed:
                    listed.append(severity)
    directory = paging.directory
    return [
        TargetNow(
            target=target,
            kind=target.partition(":")[0],
            name=directory.name_of(target),
            people=tuple(directory.people[p] for p in directory.resolve(target, at)),
            severities=tuple(severities),
        )
        for target, severities in severities_of.items()
    ]


def who_is_on_call(paging: Paging, at: datetime, *, by: Actor) -> tuple[list[ScheduleNow], list[TargetNow]]:
    by.require(Role.VIEWER, "reading the on-call schedules")
    return schedules_now(paging, at), on_call_now(paging, at)


def schedule_shifts(paging: Paging, schedule_id: str, start: datetime, end: datetime) -> list[Shift]:
    schedule = paging.directory.schedules.get(schedule_id)
    if schedule is None:
        raise NotFound(f"schedule {schedule_id!r} does not exist")
    _check_window(start, end)
    return shifts(schedule, start, end)


def person_shifts(paging: Paging, person_id: str, start: datetime, end: datetime) -> list[tuple[str, Shift]]:
    """``(schedule id, shift)`` for every shift ``person_id`` holds in any schedule."""
    if person_id not in paging.directory.people:
        raise NotFound(f"person {person_id!r} does not exist")
    _check_window(start, end)
    found = [
        (ident, shift)
        for ident, schedule in sorted(paging.directory.schedules.items())
        for shift in shifts(schedule, start, end)
        if shift.person == person_id
    ]
    return sorted(found, key=lambda pair: pair[1].start)


def _check_window(start: datetime, end: datetime) -> None:
    if end <= start or end - start > MAX_FEED_WINDOW:
        raise InvalidInput(f"window: end after start, at most {MAX_FEED_WINDOW.days} days")
