"""The breach record's commands: assess (record or update), and record a notification to the
supervisory authority. Pure: time, the deadline and the authority are parameters. Each returns
a ``BreachChange``: the new record, its timeline events, the jobs to arm and those to cancel."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tocsin.domain.breach import (
    DEFAULT_REMINDERS,
    MAX_LABEL,
    MAX_LABELS,
    MAX_REFERENCE,
    Assessment,
    Breach,
    Method,
    Notice,
    NoticeKind,
    State,
    breach_timers,
    timer_keys,
)
from tocsin.domain.errors import Conflict, InvalidInput, InvalidTransition
from tocsin.domain.events import EventKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident
from tocsin.domain.text import clean_optional, refuse_nul, require_aware


@dataclass(frozen=True, slots=True)
class Terms:
    """The plan's GDPR terms in force: the authority and its deadline, the reminders."""

    authority: str = "CNIL"
    deadline: timedelta = timedelta(hours=72)
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS


@dataclass(frozen=True, slots=True)
class BreachChange:
    breach: Breach
    events: tuple[TimelineEvent, ...] = ()
    jobs: tuple[JobRequest, ...] = ()
    cancel_keys: tuple[str, ...] = ()


def require_security(incident: Incident) -> None:
    if not incident.security:
        raise InvalidTransition(
            f"incident {incident.id} is not a security incident: mark it as one first "
            "(POST /api/v1/incidents/{id}/security, the room's 'Mark as security incident', or "
            "tocsin incident security ID), then record the breach"
        )


def _labels(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(" ".join(refuse_nul(field, v).split()) for v in values))
    cleaned = tuple(v for v in cleaned if v)
    if len(cleaned) > MAX_LABELS:
        raise InvalidInput(f"{field}: at most {MAX_LABELS} entries (got {len(cleaned)})")
    for value in cleaned:
        if len(value) > MAX_LABEL:
            raise InvalidInput(f"{field}: each entry at most {MAX_LABEL} characters ({value[:40]!r}…)")
    return cleaned


MAX_COUNT = 10**12  # an approximate number of subjects or records: more than there are people


def _count(field: str, value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_COUNT:
        raise InvalidInput(f"{field}: a number from 0 to {MAX_COUNT:,}")
    return value


def clean(assessment: Assessment) -> Assessment:
    """The assessment with its texts trimmed and checked (NUL, length, counts): 422 naming the field."""
    return replace(
        assessment,
        data_categories=_labels("data_categories", assessment.data_categories),
        subject_categories=_labels("subject_categories", assessment.subject_categories),
        subjects_approx=_count("subjects_approx", assessment.subjects_approx),
        records_approx=_count("records_approx", assessment.records_approx),
        consequences=clean_optional("consequences", assessment.consequences),
        measures=clean_optional("measures", assessment.measures),
        rationale=clean_optional("risk_rationale", assessment.rationale),
    )


def _not_future(field: str, value: datetime, now: datetime) -> None:
    require_aware(value)
    if value > now:
        raise InvalidInput(
            f"{field}: {value:%Y-%m-%d %H:%M} UTC is in the future (now {now:%Y-%m-%d %H:%M} UTC)"
        )


def _summary(breach: Breach, terms: Terms, now: datetime) -> str:
    a = breach.assessment
    risk = a.risk.label if a.risk is not None else "risk not assessed yet"
    if not a.personal_data:
        risk = "no personal data involved"
    state = breach.state(terms.deadline, now)
    if state is State.NOT_REQUIRED:
        return f"{risk}: no notification to {terms.authority} required"
    if state is State.NOTIFIED:
        return f"{risk}; {terms.authority} notified"
    return f"{risk}; notify {terms.authority} by {breach.notify_by(terms.deadline):%Y-%m-%d %H:%M} UTC"


def assess(
    incident: Incident,
    current: Breach | None,
    assessment: Assessment,
    *,
    aware_at: datetime | None,
    delay_reasons: str | None,
    terms: Terms,
    now: datetime,
    by: str,
) -> BreachChange:
    """Record the breach (``current`` is ``None``) or update its assessment. ``aware_at``
    defaults to now (a new record) or stays as it was; in the future it is refused. Once past the
    deadline without notification, a notifiable breach needs the reasons for the delay."""
    require_security(incident)
    require_aware(now)
    if aware_at is not None:
        _not_future("aware_at", aware_at, now)
    assessment = clean(assessment)
    reasons = clean_optional("delay_reasons", delay_reasons) if delay_reasons is not None else None
    if current is None:
        breach = Breach(
            incident_id=incident.id,
            aware_at=aware_at or now,
            assessment=assessment,
            created_at=now,
            created_by=by,
            updated_at=now,
            updated_by=by,
            delay_reasons=reasons or "",
        )
    else:
        breach = replace(
            current,
            aware_at=aware_at or current.aware_at,
            assessment=assessment,
            updated_at=now,
            updated_by=by,
            delay_reasons=current.delay_reasons if reasons is None else reasons,
        )
    if breach.state(terms.deadline, now) is State.OVERDUE and not breach.delay_reasons:
        raise InvalidInput(
            f"delay_reasons: required: {terms.deadline.total_seconds() / 3600:g} h have passed since "
            f"aware_at without notifying {terms.authority} (GDPR Art. 33(1))"
        )
    moved = current is not None and current.aware_at != breach.aware_at
    # The timers of an earlier aware_at stay: they are fenced by it (a no-op unless aware_at
    # comes back to it, when they are right again; a cancelled key could not be armed twice).
    jobs: tuple[JobRequest, ...] = ()
    if current is None or moved:
        jobs = tuple(breach_timers(breach, terms.deadline, terms.reminders, now))
    verb = "recorded" if current is None else "assessment updated"
    text = f"Personal-data breach {verb}: {_summary(breach, terms, now)}"
    if current is None or moved:
        text += f" (aware since {breach.aware_at:%Y-%m-%d %H:%M} UTC)"
    data = {
        "action": "recorded" if current is None else "assessed",
        "risk": assessment.risk.value if assessment.risk else None,
        "aware_at": breach.aware_at.isoformat(),
    }
    event = TimelineEvent(EventKind.BREACH, now, by, text, data)
    return BreachChange(breach, (event,), jobs)


def record_notice(
    breach: Breach,
    *,
    kind: NoticeKind,
    at: datetime | None,
    method: Method,
    reference: str,
    note: str = "",
    delay_reasons: str | None = None,
    terms: Terms,
    now: datetime,
    by: str,
) -> BreachChange:
    """The initial notification (once) or a follow-up (after the initial one, Art. 33(4)). An
    initial notification after the deadline needs the reasons for the delay."""
    require_aware(now)
    at = at or now
    _not_future("at", at, now)
    if at < breach.aware_at:
        raise InvalidInput(
            f"at: {at:%Y-%m-%d %H:%M} UTC is before aware_at ({breach.aware_at:%Y-%m-%d %H:%M} UTC)"
        )
    reference = " ".join(refuse_nul("reference", reference).split())
    if len(reference) > MAX_REFERENCE:
        raise InvalidInput(f"reference: at most {MAX_REFERENCE} characters (got {len(reference)})")
    note = clean_optional("note", note)
    if kind is NoticeKind.INITIAL and breach.initial is not None:
        raise Conflict(
            f"{breach.initial.authority} was already notified on {breach.initial.at:%Y-%m-%d %H:%M} UTC: "
            "record a follow_up notification instead (Art. 33(4))"
        )
    if kind is NoticeKind.FOLLOW_UP and breach.initial is None:
        raise InvalidTransition("a follow-up needs the initial notification first: record kind=initial")
    reasons = clean_optional("delay_reasons", delay_reasons) if delay_reasons is not None else None
    updated = replace(breach, delay_reasons=reasons if reasons else breach.delay_reasons)
    if kind is NoticeKind.INITIAL and at > breach.notify_by(terms.deadline) and not updated.delay_reasons:
        raise InvalidInput(
            f"delay_reasons: required: this notification comes more than "
            f"{terms.deadline.total_seconds() / 3600:g} h after aware_at (GDPR Art. 33(1))"
        )
    notice = Notice(kind, at, method, reference, terms.authority, note, by, now)
    updated = replace(updated, notices=(*breach.notices, notice), updated_at=now, updated_by=by)
    what = "Notified" if kind is NoticeKind.INITIAL else "Follow-up notification to"
    text = f"{what} {terms.authority} ({method.label}) at {at:%Y-%m-%d %H:%M} UTC"
    text += f", ref {reference}" if reference else ", no reference"
    if kind is NoticeKind.INITIAL and updated.late(terms.deadline):
        text += " — after the deadline; reasons for the delay recorded"
    data = {"action": "notified", "kind": kind.value, "reference": reference, "method": method.value}
    event = TimelineEvent(EventKind.BREACH, now, by, text, data)
    cancel = tuple(timer_keys(breach, terms.deadline, terms.reminders)) if kind is NoticeKind.INITIAL else ()
    return BreachChange(updated, (event,), (), cancel)
