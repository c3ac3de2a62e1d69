"""Runbooks for an incident (the plan's "Mettre à jour runbooks" needs them to exist first),
and which alerts have none."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tocsin.domain import restriction
from tocsin.domain import runbook as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import StoredAlert
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents.context import IncidentsContext

MAX_ALERTS = 200


def runbooks_for(svc: IncidentsContext, incident_id: IncidentId, *, by: Actor) -> list[domain.Match]:
    """The runbooks that fit the incident's alerts, best first (none without a directory)."""
    by.require(Role.VIEWER, "reading incidents")
    library = svc.runbooks
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        alerts = uow.alerts.list(incident_id, limit=MAX_ALERTS) if library is not None else []
    return matching(svc, alerts)


def matching(svc: IncidentsContext, alerts: Sequence[StoredAlert]) -> list[domain.Match]:
    """The runbooks that fit ``alerts`` (the incident's first ``MAX_ALERTS``, read by a caller
    that has checked the reader may see them), best first."""
    library = svc.runbooks
    if library is None:
        return []
    return domain.matching(library.all(), [a.labels for a in alerts[:MAX_ALERTS]])


def missing(svc: IncidentsContext, alertnames: Iterable[str] | None = None) -> list[str]:
    """Alert names with no runbook: those given (a rules file's), else every name seen."""
    library = svc.runbooks
    if alertnames is None:
        with svc.read() as uow:
            alertnames = uow.alerts.names()
    return domain.uncovered(alertnames, library.all() if library is not None else ())
