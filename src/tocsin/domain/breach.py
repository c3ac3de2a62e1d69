"""A personal-data breach (GDPR Art. 33/34), recorded on a security incident. Pure.

The clock: the supervisory authority is notified within 72 h of the controller becoming aware
(``aware_at``), and a later notification gives the reasons for the delay (Art. 33(1)). A breach
unlikely to result in a risk (``risk: none``, or no personal data at all) is not notified but is
still registered with its rationale (Art. 33(5)); a high risk calls for telling the data subjects
(Art. 34). ``breach_timers`` arms the reminders and the overdue escalation as durable jobs keyed
by ``aware_at``: moving ``aware_at`` cancels the old ones and arms new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tocsin.domain.events import JobKind, JobRequest

DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=48), timedelta(hours=60), timedelta(hours=68))
MAX_LABELS = 50
MAX_LABEL = 200
MAX_REFERENCE = 200


class Risk(StrEnum):
    """The risk to the rights and freedoms of natural persons (Art. 33(1), 34(1))."""

    NONE = "none"
    RISK = "risk"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {Risk.NONE: "unlikely to result in a risk", Risk.RISK: "risk", Risk.HIGH: "high risk"}[self]


class State(StrEnum):
    ASSESSING = "assessing"
    NOTIFICATION_DUE = "notification_due"
    OVERDUE = "overdue"
    NOTIFIED = "notified"
    NOT_REQUIRED = "not_required"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class NoticeKind(StrEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


class Method(StrEnum):
    ONLINE_FORM = "online_form"
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Assessment:
    """What is known of the breach; ``risk`` stays ``None`` while it is being assessed."""

    personal_data: bool = True
    data_categories: tuple[str, ...] = ()
    subject_categories: tuple[str, ...] = ()
    subjects_approx: int | None = None
    records_approx: int | None = None
    consequences: str = ""
    measures: str = ""
    risk: Risk | None = None
    rationale: str = ""

    @property
    def notifiable(self) -> bool | None:
        """Whether the authority must be told: ``None`` while the risk is not assessed."""
        if not self.personal_data or self.risk is Risk.NONE:
            return False
        return None if self.risk is None else True


@dataclass(frozen=True, slots=True)
class Notice:
    """One notification to the supervisory authority: the initial one or a follow-up (Art. 33(4))."""

    kind: NoticeKind
    at: datetime
    method: Method
    reference: str
    authority: str
    note: str = ""
    recorded_by: str = ""
    recorded_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Communication:
    """The Art. 34 message to the data subjects; ``round`` counts the sends (keys of their jobs)."""

    subject: str = ""
    body: str = ""
    round: int = 0


@dataclass(frozen=True, slots=True)
class Breach:
    incident_id: int
    aware_at: datetime
    assessment: Assessment
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
    delay_reasons: str = ""
    notices: tuple[Notice, ...] = ()
    communication: Communication = field(default_factory=Communication)

    @property
    def initial(self) -> Notice | None:
        return next((n for n in self.notices if n.kind is NoticeKind.INITIAL), None)

    def notify_by(self, deadline: timedelta) -> datetime:
        return self.aware_at + deadline

    def state(self, deadline: timedelta, now: datetime) -> State:
        if self.initial is not None:
            return State.NOTIFIED
        notifiable = self.assessment.notifiable
        if notifiable is False:
            return State.NOT_REQUIRED
        if now > self.notify_by(deadline):
            return State.OVERDUE
        return State.ASSESSING if notifiable is None else State.NOTIFICATION_DUE

    def late(self, deadline: timedelta) -> bool:
        """Notified (or still not notified, read at its deadline) after the 72 h."""
        initial = self.initial
        return initial is not None and initial.at > self.notify_by(deadline)

    def clock(self, deadline: timedelta, authority: str, now: datetime) -> BreachClock:
        return BreachClock(
            incident_id=self.incident_id,
            aware_at=self.aware_at,
            notify_by=self.notify_by(deadline),
            state=self.state(deadline, now),
            authority=authority,
            now=now,
        )


@dataclass(frozen=True, slots=True)
class BreachClock:
    """The breach as the incident shows it: when, by when, where things stand."""

    incident_id: int
    aware_at: datetime
    notify_by: datetime
    state: State
    authority: str
    now: datetime

    @property
    def remaining(self) -> timedelta:
        return self.notify_by - self.now

    @property
    def running(self) -> bool:
        return self.state in (State.ASSESSING, State.NOTIFICATION_DUE, State.OVERDUE)

    @property
    def headline(self) -> str:
        """``Notify CNIL by 2026-11-30 10:00 UTC`` (the room's card, the CLI)."""
        return f"Notify {self.authority} by {self.notify_by:%Y-%m-%d %H:%M} UTC"

    @property
    def time_left(self) -> str:
        """``41 h 20 min left`` or ``overdue by 3 h 05 min``."""
        delta = self.remaining
        words = _hours(abs(delta))
        return f"{words} left" if delta >= timedelta(0) else f"overdue by {words}"


def _hours(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def reminder_key(incident_id: int, aware_at: datetime, which: str) -> str:
    return f"breach.reminder:{incident_id}:{aware_at.isoformat()}:{which}"


def which_of(offset: timedelta) -> str:
    """``24h``: how a reminder is named in its key, payload and timeline text."""
    return f"{int(offset.total_seconds() // 3600)}h"


OVERDUE = "overdue"


def breach_timers(
    breach: Breach, deadline: timedelta, reminders: tuple[timedelta, ...], now: datetime
) -> list[JobRequest]:
    """The reminders still ahead (those before the deadline) and the overdue escalation (just
    after the deadline, or now when it has passed already)."""
    jobs = []
    for offset in sorted(set(reminders)):
        due = breach.aware_at + offset
        if offset < deadline and due > now:
            jobs.append(_timer(breach, which_of(offset), due))
    # 72 h after aware_at is still in time ("not later than 72 hours"): overdue a second later
    jobs.append(_timer(breach, OVERDUE, max(breach.notify_by(deadline) + timedelta(seconds=1), now)))
    return jobs


def timer_due(breach: Breach, which: str, deadline: timedelta) -> datetime | None:
    """When the timer ``which`` (``24h`` … or ``overdue``) armed for this ``aware_at`` was due:
    the overdue one a second after the deadline passed, the others ``aware_at`` + their hours."""
    if which == OVERDUE:
        return breach.notify_by(deadline) + timedelta(seconds=1)
    hours = which.removesuffix("h")
    return breach.aware_at + timedelta(hours=int(hours)) if hours.isdigit() else None


def timer_keys(breach: Breach, deadline: timedelta, reminders: tuple[timedelta, ...]) -> list[str]:
    """Every key ``breach_timers`` could have armed for this ``aware_at`` (to cancel them)."""
    names = [which_of(o) for o in reminders if o < deadline] + [OVERDUE]
    return [reminder_key(breach.incident_id, breach.aware_at, name) for name in names]


def _timer(breach: Breach, which: str, due: datetime) -> JobRequest:
    payload = {"incident_id": breach.incident_id, "aware_at": breach.aware_at.isoformat(), "which": which}
    return JobRequest(
        JobKind.BREACH_REMINDER, due, payload, reminder_key(breach.incident_id, breach.aware_at, which)
    )
