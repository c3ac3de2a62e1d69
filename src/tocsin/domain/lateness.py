"""A durable timer that fires late says so. Timers live in the database, so they survive a
restart, but while no worker runs (tocsin stopped, crashed, its database away) nothing fires:
on the way back each overdue timer fires at once, and its timeline line tells how late.

Pure: the caller gives the time the timer was due and the time it fired; nothing here reads
the clock. A timer is on time when it fires within ``ON_TIME`` of its due time (a worker polls
every second and a dead worker's job comes back within one lease).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tocsin.domain.text import require_aware

ON_TIME = timedelta(seconds=10)
REASON = "tocsin was not running"


def late_by(due: datetime | None, at: datetime) -> timedelta | None:
    """How late a timer due at ``due`` fires at ``at``; ``None`` when on time (or not a timer)."""
    if due is None:
        return None
    require_aware(due)
    require_aware(at)
    late = at - due
    return late if late > ON_TIME else None


def spoken(delta: timedelta) -> str:
    """``33 s``, ``4 min 10 s``, ``2 h``, ``3 d 4 h``: the largest unit and the next one, whole."""
    seconds = int(delta.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (seconds, "s")]
    first = next((i for i, (amount, _) in enumerate(parts) if amount), len(parts) - 1)
    chosen = [parts[first]]
    if first + 1 < len(parts) and parts[first + 1][0]:
        chosen.append(parts[first + 1])
    return " ".join(f"{amount} {unit}" for amount, unit in chosen)


def late_note(due: datetime | None, at: datetime) -> str:
    """``fired 33 s late: tocsin was not running``, or ``""`` when the timer is on time."""
    late = late_by(due, at)
    return "" if late is None else f"fired {spoken(late)} late: {REASON}"


def with_note(text: str, due: datetime | None, at: datetime) -> str:
    """``text`` with the lateness note appended (``text (fired 33 s late: …)``) when late."""
    note = late_note(due, at)
    return f"{text} ({note})" if note else text


def late_data(due: datetime | None, at: datetime) -> dict[str, object]:
    """For an event's data: ``{"due_at": …, "fired_late_seconds": 33}`` when late, else ``{}``."""
    late = late_by(due, at)
    if late is None or due is None:
        return {}
    return {"due_at": due.isoformat(), "fired_late_seconds": int(late.total_seconds())}
