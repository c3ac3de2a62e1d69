"""The security procedure's five steps from any interface (UI, API, CLI): one use case to move a
step, one to read them; the security role's work, written on the incident's timeline."""

from __future__ import annotations

from collections.abc import Iterable

from tocsin.domain import restriction
from tocsin.domain import security_steps as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import IncidentId
from tocsin.domain.security_steps import StepState, StepStatus
from tocsin.services.context import Services
from tocsin.services.incidents.incidents import persist
from tocsin.services.ports import StoredEvent

STEP_KINDS = frozenset({EventKind.SECURITY_STEP.value})  # the only events the steps are replayed from


def _events(stored: Iterable[StoredEvent]) -> list[TimelineEvent]:
    return [TimelineEvent(e.kind, e.at, e.actor, e.text, e.data) for e in stored]


def update_step(
    svc: Services,
    incident_id: IncidentId,
    step: int,
    *,
    state: StepState | None = None,
    owner: str | None = None,
    note: str = "",
    by: Actor,
) -> StepStatus:
    """Move a step, give it an owner, or note what was done; returns the step as it now stands.
    A state or owner the step already has is not a change (a form sends them back as they are)."""
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, current)  # 404 first: no word about a restricted incident
        by.require(Role.SECURITY, "working the security procedure")
        events = _events(uow.timeline.list(incident_id, kinds=STEP_KINDS))
        before = {s.number: s for s in domain.replay(events)}.get(step)
        if before is not None and owner is not None and owner.strip() == before.owner:
            owner = None
        if before is not None and state is before.state:
            state = None
        at = svc.clock.now()
        change = domain.update(current, step, state=state, owner=owner, note=note, at=at, by=by.name)
        persist(svc, uow, change, before=current)
        uow.commit()
    return domain.replay([*events, *change.events])[step - 1]


def procedure(svc: Services, incident_id: IncidentId, *, by: Actor) -> tuple[StepStatus, ...]:
    """The five steps of a security incident as its timeline leaves them."""
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        events = _events(uow.timeline.list(incident_id, kinds=STEP_KINDS))
    return domain.replay(events)
