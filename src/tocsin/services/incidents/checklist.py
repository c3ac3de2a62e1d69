"""Ticking the plan's checklists from any interface (UI, API, CLI, Slack): one use case, the
tick written on the timeline in the incident's unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from tocsin.domain import checklist_ticks as domain
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.checklist import Item, Tick
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.incidents.incidents import persist

CHECKLIST_KINDS = frozenset({EventKind.CHECKLIST.value})  # the only events ticks are read from


@dataclass(frozen=True, slots=True)
class Line:
    item: Item
    tick: Tick | None

    @property
    def done(self) -> bool:
        return self.tick is not None and self.tick.done


def tick_item(
    svc: IncidentsContext, incident_id: IncidentId, key: str, *, done: bool = True, note: str = "", by: Actor
) -> Incident:
    by.require(Role.RESPONDER, "ticking the checklist")
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, current)
        at = svc.clock.now()
        change = domain.tick(current, key, done=done, note=note, at=at, by=by.name, items=svc.checklist_items)
        persist(svc, uow, change, before=current)
        uow.commit()
    return change.incident


def checklist(svc: IncidentsContext, incident_id: IncidentId, *, by: Actor) -> list[Line]:
    """Every line of the plan's checklists with its last tick."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        events = [
            TimelineEvent(e.kind, e.at, e.actor, e.text, e.data)
            for e in uow.timeline.list(incident_id, kinds=CHECKLIST_KINDS)
        ]
    items = svc.checklist_items
    ticks = domain.state(events, items)
    return [Line(item, ticks.get(key)) for key, item in items.items()]
