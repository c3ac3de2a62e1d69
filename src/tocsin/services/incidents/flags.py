"""Flagging use cases; like every incident command, one locked read, one commit."""

from __future__ import annotations

from tocsin.domain import flags, restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.incidents.incidents import persist


def mark_security_incident(
    svc: Services, incident_id: IncidentId, *, reason: str = "", by: Actor
) -> Incident:
    """Anyone who may act may raise the flag; from then on the incident's details are theirs only
    if they have clearance (the answer is the view they now get)."""
    by.require(Role.RESPONDER, "marking a security incident")
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, current)
        change = flags.mark_security(current, reason=reason, at=svc.clock.now(), by=by.name)
        persist(svc, uow, change)
        uow.commit()
    return restriction.view(by, change.incident)


def unmark_security_incident(svc: Services, incident_id: IncidentId, *, reason: str, by: Actor) -> Incident:
    """Lifting the restriction is an admin's decision, with a reason on the timeline."""
    by.require(Role.ADMIN, "unmarking a security incident")
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        change = flags.unmark_security(current, reason=reason, at=svc.clock.now(), by=by.name)
        persist(svc, uow, change)
        uow.commit()
    return change.incident
