"""The ``breach.reminder`` job: the 72 h clock of a personal-data breach, told through the normal
channels. At 24, 48, 60 and 68 h after ``aware_at`` the security role and the DPO are reminded;
when the deadline passes without a notification the CTO role is told as well.

A timer is fenced by the ``aware_at`` it was armed for (a moved ``aware_at`` armed new ones), and
does nothing once the authority is notified or no notification is required. The reminder's
messages carry no detail of the incident: "Personal-data breach", the deadline and a link.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import lateness
from tocsin.domain.breach import OVERDUE, State, timer_due
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.notification import Event, Person, Purpose, Trigger, for_people
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork
from tocsin.services.security.breach_ports import ESCALATE, REMIND
from tocsin.services.security.context import BreachRemindersContext

SYSTEM = "tocsin"
TITLE = "Personal-data breach"


def recipients(svc: BreachRemindersContext, at: datetime, *, overdue: bool) -> list[tuple[Person, str]]:
    """The security role and the DPO (each person once); the CTO role too when ``overdue``."""
    directory = svc.paging.directory
    targets = (*REMIND, *ESCALATE) if overdue else REMIND
    people = directory.recipients(targets, at)
    dpo = svc.breach.dpo
    if dpo is not None and all(person.id != dpo.id for person, _ in people):
        people.append((dpo, "data protection officer"))
    return people


def remind(svc: BreachRemindersContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    incident = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    breach = uow.breaches.get(incident.id)
    aware_at = datetime.fromisoformat(str(payload["aware_at"]))
    if breach is None or breach.aware_at != aware_at:
        return True
    terms = svc.breach.terms(svc.plan)
    at = svc.clock.now()
    state = breach.state(terms.deadline, at)
    which = str(payload["which"])
    overdue = which == OVERDUE
    if state in (State.NOTIFIED, State.NOT_REQUIRED) or (overdue and state is not State.OVERDUE):
        return True
    clock = breach.clock(terms.deadline, terms.authority, at)
    if overdue:
        text = (
            f"GDPR: the {terms.deadline.total_seconds() / 3600:g} h to notify {terms.authority} ended at "
            f"{clock.notify_by:%Y-%m-%d %H:%M} UTC and no notification is recorded. Notify now, with the "
            "reasons for the delay (Art. 33(1))."
        )
    else:
        text = (
            f"GDPR: {which} since the breach became known ({aware_at:%Y-%m-%d %H:%M} UTC). "
            f"{clock.headline} — {clock.time_left}. Status: {state.label}."
        )
    people = recipients(svc, at, overdue=overdue)
    _notify(svc, uow, incident, which=f"{aware_at.isoformat()}:{which}", text=text, people=people, at=at)
    told = ", ".join(f"{person.name} ({via})" for person, via in people) or "nobody (no security role or DPO)"
    if overdue:
        line = (
            f"GDPR deadline passed at {clock.notify_by:%Y-%m-%d %H:%M} UTC without notifying "
            f"{terms.authority}: escalated to {told}"
        )
    else:
        line = f"GDPR reminder ({which} after awareness) to {told}: {clock.headline}, {clock.time_left}"
    due = timer_due(breach, which, terms.deadline)
    line = lateness.with_note(line, due, at)
    data: dict[str, object] = {"action": "overdue" if overdue else "reminder", "which": which}
    if overdue:  # when the deadline passed, not when tocsin noticed
        data["deadline_passed_at"] = clock.notify_by.isoformat()
    data.update(lateness.late_data(due, at))
    uow.timeline.append(incident.id, [TimelineEvent(EventKind.BREACH, at, SYSTEM, line, data)])
    return True


def _notify(
    svc: PagingContext,
    uow: UnitOfWork,
    incident: Incident,
    *,
    which: str,
    text: str,
    people: list[tuple[Person, str]],
    at: datetime,
) -> None:
    paging = svc.paging
    event = Event(
        incident_id=incident.id,
        severity=incident.severity.value,
        title=TITLE,
        phase=incident.phase.value,
        trigger=Trigger.BREACH_DUE,
        text=text,
        at=at,
        batch=0,
        url=paging.incident_url(incident.id),
    )
    key = f"breach:{incident.id}:{which}"
    notifications = [
        replace(n, key=f"{key}:{n.recipient}:{n.channel}")
        for n in for_people(event, Purpose.FYI, people, paging.person_channels)
    ]
    if notifications:
        uow.deliveries.add(notifications, at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, n.to_payload(), n.key) for n in notifications])
