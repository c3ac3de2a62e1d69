"""Personal-data breach use cases (GDPR Art. 33): record and assess, record notifications to the
supervisory authority, read the record, its dossier and the register.

Everything here is security data: each use case refuses those who may not see the incident as
if it did not exist (``restriction.require_clearance``) and requires the ``security`` role. The
record, its timeline events and its timers commit together; the events are written straight to
the timeline (no reactions), so no breach detail goes out to Slack or GitHub from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.breach import Assessment, Breach, BreachClock, Method, NoticeKind
from tocsin.domain.breach_commands import BreachChange, assess, record_notice
from tocsin.domain.breach_dossier import REGISTER_COLUMNS, Contact, Dossier, markdown, register_row
from tocsin.domain.errors import NotFound
from tocsin.domain.events import EventKind
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.note import NoteKind
from tocsin.services.ports import UnitOfWork
from tocsin.services.security.context import SecurityContext

MAX_REGISTER = 5000


@dataclass(frozen=True, slots=True)
class BreachView:
    incident: Incident
    breach: Breach
    clock: BreachClock
    authority_name: str
    dpo: Contact | None
    controller: str


def cleared(by: Actor, incident: Incident, action: str) -> None:
    """404 for whoever may not see the incident; then the security role (403) for the rest."""
    restriction.require_clearance(by, incident)
    by.require(Role.SECURITY, action)


def require_register(by: Actor) -> None:
    """The register lists security incidents only: without clearance it does not exist."""
    if not by.role.allows(restriction.CLEARANCE):
        raise NotFound("not found")


def _incident(uow: UnitOfWork, incident_id: IncidentId, by: Actor, action: str, *, lock: bool) -> Incident:
    incident = uow.incidents.get(incident_id, for_update=lock)
    cleared(by, incident, action)
    return incident


def _view(svc: SecurityContext, incident: Incident, breach: Breach) -> BreachView:
    config = svc.breach
    terms = config.terms(svc.plan)
    return BreachView(
        incident=incident,
        breach=breach,
        clock=breach.clock(terms.deadline, terms.authority, svc.clock.now()),
        authority_name=config.authority_name or terms.authority,
        dpo=config.dpo_contact,
        controller=config.controller,
    )


def write(uow: UnitOfWork, change: BreachChange) -> None:
    """The record, its timeline events, its timers and cancellations, in the caller's unit of work."""
    uow.breaches.save(change.breach)
    if change.events:
        uow.timeline.append(IncidentId(change.breach.incident_id), change.events)
    if change.cancel_keys:
        uow.jobs.cancel(change.cancel_keys)
    if change.jobs:
        uow.jobs.enqueue(change.jobs)


def assess_breach(
    svc: SecurityContext,
    incident_id: IncidentId,
    assessment: Assessment,
    *,
    aware_at: datetime | None = None,
    delay_reasons: str | None = None,
    by: Actor,
) -> BreachView:
    """Record the incident's breach (its 72 h clock starts at ``aware_at``, now by default) or
    update its assessment. ``InvalidTransition`` (409) unless it is a security incident."""
    with svc.uow() as uow:
        incident = _incident(uow, incident_id, by, "recording a personal-data breach", lock=True)
        current = uow.breaches.get(incident.id)
        change = assess(
            incident,
            current,
            assessment,
            aware_at=aware_at,
            delay_reasons=delay_reasons,
            terms=svc.breach.terms(svc.plan),
            now=svc.clock.now(),
            by=by.name,
        )
        write(uow, change)
        uow.commit()
    return _view(svc, incident, change.breach)


def record_notification(
    svc: SecurityContext,
    incident_id: IncidentId,
    *,
    kind: NoticeKind,
    method: Method,
    reference: str = "",
    at: datetime | None = None,
    note: str = "",
    delay_reasons: str | None = None,
    by: Actor,
) -> BreachView:
    """The initial notification to the authority, or a follow-up (Art. 33(4))."""
    with svc.uow() as uow:
        incident = _incident(uow, incident_id, by, "recording a breach notification", lock=True)
        breach = _existing(uow, incident)
        change = record_notice(
            breach,
            kind=kind,
            at=at,
            method=method,
            reference=reference,
            note=note,
            delay_reasons=delay_reasons,
            terms=svc.breach.terms(svc.plan),
            now=svc.clock.now(),
            by=by.name,
        )
        write(uow, change)
        uow.commit()
    return _view(svc, incident, change.breach)


def _existing(uow: UnitOfWork, incident: Incident) -> Breach:
    breach = uow.breaches.get(incident.id)
    if breach is None:
        raise NotFound(
            f"incident {incident.id} has no personal-data breach record: record the assessment first"
        )
    return breach


def find_breach(
    svc: SecurityContext, incident_id: IncidentId, *, by: Actor
) -> tuple[Incident, BreachView | None]:
    """The incident and its breach, if one is recorded."""
    with svc.read() as uow:
        incident = _incident(uow, incident_id, by, "reading a personal-data breach", lock=False)
        breach = uow.breaches.get(incident.id)
    return incident, _view(svc, incident, breach) if breach is not None else None


def view_breach(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> BreachView:
    incident, view = find_breach(svc, incident_id, by=by)
    if view is None:
        raise NotFound(f"incident {incident.id} has no personal-data breach record")
    return view


def _mitigations(uow: UnitOfWork, incident_id: IncidentId) -> list[tuple[datetime, str]]:
    return [
        (e.at, str(e.data.get("note") or e.text))
        for e in uow.timeline.list(incident_id)
        if e.kind is EventKind.NOTE and e.data.get("kind") == NoteKind.MITIGATION.value
    ]


def dossier(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> str:
    """The Art. 33(3) notification dossier, in Markdown, as the record stands now."""
    with svc.read() as uow:
        incident = _incident(uow, incident_id, by, "reading a breach dossier", lock=False)
        breach = _existing(uow, incident)
        mitigations = _mitigations(uow, incident.id)
    view = _view(svc, incident, breach)
    terms = svc.breach.terms(svc.plan)
    return markdown(
        Dossier(
            incident=incident,
            breach=breach,
            authority=terms.authority,
            authority_name=view.authority_name,
            deadline=terms.deadline,
            dpo=view.dpo,
            controller=view.controller,
            now=view.clock.now,
            mitigations=mitigations,
        )
    )


def register(
    svc: SecurityContext, *, by: Actor, limit: int = MAX_REGISTER, offset: int = 0
) -> list[BreachView]:
    """The breach register (Art. 33(5)): every breach, notified or not, the latest first."""
    require_register(by)
    by.require(Role.SECURITY, "reading the breach register")
    with svc.read() as uow:
        breaches = uow.breaches.page(limit=limit, offset=offset)
        incidents = {b.incident_id: uow.incidents.get(IncidentId(b.incident_id)) for b in breaches}
    return [_view(svc, incidents[b.incident_id], b) for b in breaches]


def register_rows(svc: SecurityContext, *, by: Actor) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    """The register as CSV columns and rows."""
    deadline = svc.plan.gdpr_notification_deadline
    rows = [register_row(v.incident, v.breach, deadline, v.clock.now) for v in register(svc, by=by)]
    return REGISTER_COLUMNS, rows


def clocks(svc: SecurityContext, incident_ids: Sequence[int], *, by: Actor) -> Mapping[int, BreachClock]:
    """The breach clocks of these incidents, for those cleared to see them (``{}`` otherwise)."""
    if not by.role.allows(restriction.CLEARANCE) or not incident_ids:
        return {}
    terms = svc.breach.terms(svc.plan)
    now = svc.clock.now()
    with svc.read() as uow:
        found = uow.breaches.of_incidents(incident_ids)
    return {i: b.clock(terms.deadline, terms.authority, now) for i, b in found.items()}
