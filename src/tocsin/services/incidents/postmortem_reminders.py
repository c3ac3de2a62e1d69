"""The ``postmortem.reminder`` job: the owner is told, through the normal channels, that the
post-mortem is due in 24 h, in 4 h, or overdue."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import lateness, restriction
from tocsin.domain import postmortem as domain
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.notification import Event, Person, Purpose, Trigger, for_people
from tocsin.services.incidents.context import PostMortemContext
from tocsin.services.ports import UnitOfWork

SYSTEM = "tocsin"


def _owner_person(svc: PostMortemContext, owner: str) -> Person | None:
    people = svc.paging.directory.people
    if owner in people:
        return people[owner]
    for person in people.values():
        if person.email and person.email.lower() == owner.lower():
            return person
    return Person(id=owner, name=owner, email=owner) if "@" in owner else None


def remind(svc: PostMortemContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The ``postmortem.reminder`` job: tell the owner (or, without one, the people paged) that
    the post-mortem is due soon or overdue. A reminder armed for another deadline, or for a
    post-mortem already done, does nothing."""
    incident_id = IncidentId(int(payload["incident_id"]))
    due_at = datetime.fromisoformat(str(payload["due_at"]))
    which = str(payload["which"])
    incident = uow.incidents.get(incident_id, for_update=True)
    pm = uow.postmortems.get(incident_id)
    if pm is None or pm.status.done or pm.due_at != due_at or incident.phase is not Phase.POST_INCIDENT:
        return True
    at = svc.clock.now()
    fired_for = dict(domain.reminder_times(pm)).get(which)
    when = "is overdue" if which == "overdue" else f"is due in {which} ({due_at:%Y-%m-%d %H:%M} UTC)"
    text = f"The post-mortem of #{incident.id} {when}: {', '.join(pm.missing()) or 'ready to complete'}"
    person = _owner_person(svc, pm.owner)
    recipients = [(person, "post-mortem owner")] if person is not None else []
    paging = svc.paging
    event = Event(
        incident_id=incident.id,
        severity=incident.severity.value,
        title=restriction.restricted_title(incident) if incident.security else incident.title,
        phase=incident.phase.value,
        trigger=Trigger.POSTMORTEM_DUE,
        text=text,
        at=at,
        batch=0,
        url=paging.incident_url(incident.id) + "/postmortem",
        drill=incident.drill,
    )
    notifications = [
        replace(n, key=f"{domain.reminder_key(incident.id, due_at, which)}:{n.recipient}:{n.channel}")
        for n in for_people(event, Purpose.FYI, recipients, paging.person_channels)
    ]
    if notifications:
        uow.deliveries.add(notifications, at)
        uow.jobs.enqueue([JobRequest(JobKind.NOTIFY, at, n.to_payload(), n.key) for n in notifications])
    told = ", ".join(n.name for n in notifications[:1]) or "nobody (no owner with a channel)"
    text = lateness.with_note(f"Post-mortem reminder ({which}) to {told}", fired_for, at)
    data = {"action": "reminder", **lateness.late_data(fired_for, at)}
    reminded = TimelineEvent(EventKind.POSTMORTEM, at, SYSTEM, text, data)
    uow.timeline.append(incident.id, [reminded])
    return True
