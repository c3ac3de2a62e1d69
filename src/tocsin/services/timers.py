"""Handlers of the incident's durable timers. Each runs inside the worker's unit of work, which
also marks the job done: the effect and the completion commit together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tocsin.domain import incident as domain
from tocsin.domain.incident import IncidentId
from tocsin.services.context import Services
from tocsin.services.incidents import persist
from tocsin.services.ports import UnitOfWork


def fire_ack_deadline(svc: Services, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The response time of an unacknowledged incident ran out. Returns False when stale."""
    current = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    change = domain.breach_ack_deadline(current, generation=int(payload["generation"]), at=svc.clock.now())
    if change is None:
        return False
    persist(svc, uow, change)
    return True
