"""Flagging use cases; like every incident command, one locked read, one commit."""

from __future__ import annotations

from tocsin.domain import flags
from tocsin.domain.access import Actor, Role
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.incidents import persist


def mark_security_incident(
    svc: Services, incident_id: IncidentId, *, reason: str = "", by: Actor
) -> Incident:
    by.require(Role.RESPONDER, "marking a security incident")
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        change = flags.mark_security(current, reason=reason, at=svc.clock.now(), by=by.name)
        persist(svc, uow, change)
        uow.commit()
    return change.incident
