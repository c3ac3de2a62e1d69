"""Reading an incident's alerts (read-only units of work)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import AlertCounts, StoredAlert
from tocsin.domain.incident import IncidentId
from tocsin.services.context import Services
from tocsin.services.intake.ports import AlertKey


def list_alerts(
    svc: Services, incident_id: IncidentId, *, by: Actor, limit: int | None = None, offset: int = 0
) -> Sequence[StoredAlert]:
    """Firing first, then by first seen; ``NotFound`` if the incident does not exist."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        return uow.alerts.list(incident_id, limit=limit, offset=offset)


def alert_page(
    svc: Services,
    incident_id: IncidentId,
    *,
    by: Actor,
    limit: int,
    offset: int,
    after: AlertKey | None = None,
) -> tuple[Sequence[StoredAlert], AlertCounts]:
    """One page of the incident's alerts and its counts (the total pages through them);
    ``after``: the page after that alert (then ``offset`` counts from there)."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        counts = uow.alerts.counts([incident_id]).get(incident_id, AlertCounts())
        return uow.alerts.list(incident_id, limit=limit, offset=offset, after=after), counts


def alert_counts(svc: Services, incident_ids: Sequence[IncidentId]) -> Mapping[IncidentId, AlertCounts]:
    """Alert counts of incidents the caller has already been allowed to read."""
    if not incident_ids:
        return {}
    with svc.read() as uow:
        return uow.alerts.counts(incident_ids)
