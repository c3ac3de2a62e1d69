"""The incident's diagnostics links (Loki, Grafana) for the room, Slack and GitHub."""

from __future__ import annotations

from collections.abc import Sequence

from tocsin.domain import diagnostics as domain
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import StoredAlert
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.ports import UnitOfWork

MAX_ALERTS = 200  # the first alerts name the labels; a huge group adds nothing but queries


def links_in(svc: IncidentsContext, uow: UnitOfWork, incident: Incident) -> list[tuple[str, str]]:
    """Read in the caller's unit of work (jobs that render Slack cards and issue bodies)."""
    if svc.diagnostics is None:
        return []
    return links_of(svc, incident, uow.alerts.list(incident.id, limit=MAX_ALERTS))


def links_of(
    svc: IncidentsContext, incident: Incident, alerts: Sequence[StoredAlert]
) -> list[tuple[str, str]]:
    """The links for ``alerts`` (the incident's first ``MAX_ALERTS``, read by a caller that has
    checked the reader may see them): the room reads them once for its alerts, runbooks and these."""
    if svc.diagnostics is None:
        return []
    return domain.links_for(
        svc.diagnostics,
        alerts[:MAX_ALERTS],
        detected_at=incident.detected_at,
        resolved_at=incident.resolved_at,
    )


def incident_links(svc: IncidentsContext, incident_id: IncidentId, *, by: Actor) -> list[tuple[str, str]]:
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        restriction.require_clearance(by, incident)
        return links_in(svc, uow, incident)
