"""Handlers of the incident's durable timers. Each runs inside the worker's unit of work, which
also marks the job done: the effect and the completion commit together.

The response time has ONE timer (``sla.ack_deadline``): when it runs out unacknowledged, the
breach and the escalation step it triggers are one change, written once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tocsin.domain import incident as domain
from tocsin.domain.events import Change
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents.incidents import persist
from tocsin.services.paging import escalation
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork


def fire_ack_deadline(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The response time of an unacknowledged incident ran out: record the breach and escalate
    (the next step of its policy, unless one ran at the deadline). False when stale."""
    current = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    generation = int(payload["generation"])
    breached = domain.breach_ack_deadline(current, generation=generation, at=svc.clock.now())
    if breached is None:
        return False
    step = escalation.breach(svc, uow, breached.incident, generation=generation)
    if step is not None:
        breached = Change(
            breached.incident,
            events=breached.events + step.events,
            jobs=breached.jobs + step.jobs,
            cancel_keys=breached.cancel_keys + step.cancel_keys,
        )
    persist(svc, uow, breached, before=current)
    return True
