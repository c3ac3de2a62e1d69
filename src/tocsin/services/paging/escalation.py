"""Escalation use cases: react to incident changes, fire step timers, escalate on a response-
time breach or by hand. Everything runs in the caller's (or the worker's) unit of work, with
the incident row locked, so the state, the timeline, the timers and the notification jobs
commit together.

``react`` is the hook that ``services.incidents.incidents`` calls after every command it persists:
opening starts the frozen policy (step 1 at once), acknowledging or resolving stops it, a
severity change while unacknowledged re-plans from the new severity's policy, reopening an
unacknowledged incident starts over.

Every step returns a ``Change`` holding its timeline event: run while reacting, its events are
returned to ``persist``, which writes them with the change that caused them (one insert); run
by a timer, by hand or by the response time running out (``breach``, called by the
ack-deadline timer itself), the change is persisted like any other, so the integrations (Slack
thread, GitHub comments) see it through the reactions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tocsin.domain import escalation as domain
from tocsin.domain import lateness, restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidTransition
from tocsin.domain.escalation import Advance, Escalation
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.notification import Trigger
from tocsin.services.context import Services
from tocsin.services.paging import notify
from tocsin.services.paging.context import PagingContext
from tocsin.services.ports import UnitOfWork

SYSTEM_ACTOR = "tocsin"


def react(svc: PagingContext, uow: UnitOfWork, change: Change) -> list[TimelineEvent]:
    """Apply what ``change`` means for the incident's escalation (no-op when paging is off);
    the steps' timeline lines are returned: ``persist`` writes them after the change's own
    events, in the same insert."""
    if not svc.paging.policies:
        return []
    events: list[TimelineEvent] = []
    for event in change.events:
        reaction = _REACTIONS.get(event.kind)
        if reaction is not None and (follow := reaction(svc, uow, change.incident, event)) is not None:
            events.extend(follow.events)
    return events


def _opened(svc: PagingContext, uow: UnitOfWork, incident: Incident, event: TimelineEvent) -> Change | None:
    policy = svc.paging.policies[incident.severity]
    advance = domain.begin(incident.id, policy, generation=incident.generation, at=event.at)
    return _record(svc, uow, incident, advance, Trigger.OPENED, actor=SYSTEM_ACTOR)


def _stopped(svc: PagingContext, uow: UnitOfWork, incident: Incident, event: TimelineEvent) -> Change | None:
    current = uow.escalations.get(incident.id)
    if current is None:
        return None
    trigger = Trigger.ACKNOWLEDGED if event.kind is EventKind.ACKNOWLEDGED else Trigger.RESOLVED
    stopped, cancel = domain.stop(current, at=event.at, reason=trigger.value)
    uow.jobs.cancel(cancel)
    told, _, _ = notify.announce(svc, uow, stopped, incident, trigger, text=event.text, at=event.at)
    uow.escalations.save(told, event.at)
    if stopped is current:
        return None
    text = f"Escalation stopped: {trigger.value} by {event.actor} after step {current.position}"
    return Change(incident, events=(_event(EventKind.ESCALATION_STOPPED, event.at, event.actor, text),))


def _severity_changed(
    svc: PagingContext, uow: UnitOfWork, incident: Incident, event: TimelineEvent
) -> Change | None:
    current = uow.escalations.get(incident.id)
    if current is None:
        return None
    told, _, _ = notify.announce(
        svc, uow, current, incident, Trigger.SEVERITY_CHANGED, text=event.text, at=event.at
    )
    policy = svc.paging.policies[incident.severity]
    if incident.phase is not Phase.DETECTION or told.status is domain.Status.STOPPED:
        uow.escalations.save(domain.replace_policy(told, policy), event.at)
        return None
    advance = domain.begin(incident.id, policy, generation=incident.generation, at=event.at, previous=told)
    return _record(svc, uow, incident, advance, Trigger.ESCALATED, actor=event.actor, why="re-planned")


def _reopened(svc: PagingContext, uow: UnitOfWork, incident: Incident, event: TimelineEvent) -> Change | None:
    current = uow.escalations.get(incident.id)
    if current is None:
        return None
    told, _, _ = notify.announce(svc, uow, current, incident, Trigger.REOPENED, text=event.text, at=event.at)
    if incident.phase is not Phase.DETECTION:
        uow.escalations.save(told, event.at)
        return None
    advance = domain.begin(
        incident.id, told.policy, generation=incident.generation, at=event.at, previous=told
    )
    return _record(svc, uow, incident, advance, Trigger.ESCALATED, actor=event.actor, why="reopened")


Reaction = Callable[[PagingContext, UnitOfWork, Incident, TimelineEvent], Change | None]
_REACTIONS: Mapping[EventKind, Reaction] = {
    EventKind.DECLARED: _opened,
    EventKind.ACKNOWLEDGED: _stopped,
    EventKind.RESOLVED: _stopped,
    EventKind.SEVERITY_CHANGED: _severity_changed,
    EventKind.REOPENED: _reopened,
}


def fire_step(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The ``escalation.step`` timer: run the next step unless the timer is stale (fenced by
    the incident's generation and the escalation's seq). Returns whether a step ran."""
    incident = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    current = uow.escalations.get(incident.id)
    if current is None or incident.phase is not Phase.DETECTION:
        return False
    advance = domain.fire(
        current,
        seq=int(payload["seq"]),
        generation=int(payload["generation"]),
        incident_generation=incident.generation,
        at=svc.clock.now(),
    )
    if advance is None:
        return False
    _persist(svc, uow, _record(svc, uow, incident, advance, Trigger.ESCALATED, actor=SYSTEM_ACTOR))
    return True


def breach(svc: PagingContext, uow: UnitOfWork, incident: Incident, *, generation: int) -> Change | None:
    """The response time of ``incident`` (locked) ran out unacknowledged: the next step, now,
    as a change for the caller to persist (the ack-deadline timer, with the breach itself).
    ``None`` when paging is off, the incident moved on, or a step ran at or after the deadline."""
    current = uow.escalations.get(incident.id)
    if current is None or incident.phase is not Phase.DETECTION:
        return None
    advance = domain.on_breach(
        current,
        generation=generation,
        incident_generation=incident.generation,
        due_at=incident.ack_due_at,
        at=svc.clock.now(),
    )
    if advance is None:
        return None
    return _record(svc, uow, incident, advance, Trigger.ESCALATED, actor=SYSTEM_ACTOR)


def escalate_on_breach(svc: PagingContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The legacy ``sla.breached`` job (no longer enqueued: the ack-deadline timer escalates
    directly, ``breach``), still run for one queued before the upgrade: escalate now."""
    if payload.get("generation") is None:  # written before escalation existed: nothing to fence
        return False
    incident = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    change = breach(svc, uow, incident, generation=int(payload["generation"]))
    if change is None:
        return False
    _persist(svc, uow, change)
    return True


def escalate_incident(svc: PagingContext, incident_id: IncidentId, *, by: Actor) -> Incident:
    """Escalate now, by hand: run the next step of the incident's policy."""
    by.require(Role.RESPONDER, "escalating an incident")
    with svc.uow() as uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        escalate_locked(svc, uow, incident, by=by.name)
        uow.commit()
    return incident


def escalate_locked(
    svc: PagingContext, uow: UnitOfWork, incident: Incident, *, by: str, label: str = ""
) -> None:
    """Run the next step by hand in the caller's unit of work, ``incident`` locked by it.
    ``label`` names the actor in the step's reason when it says more than ``by`` (``Nora (from
    SMS)``)."""
    if not incident.phase.is_open:
        raise InvalidTransition(f"cannot escalate an incident in phase {incident.phase.value!r}")
    at = svc.clock.now()
    current = uow.escalations.get(incident.id)
    if current is None:
        policy = svc.paging.policies.get(incident.severity)
        if policy is None:
            raise InvalidTransition("escalation is not configured")
        advance = domain.begin(incident.id, policy, generation=incident.generation, at=at)
    else:
        advance = domain.escalate_now(current, generation=incident.generation, at=at, by=label or by)
    _persist(svc, uow, _record(svc, uow, incident, advance, Trigger.ESCALATED, actor=by))


def get_escalation(svc: Services, incident_id: IncidentId, *, by: Actor) -> Escalation | None:
    by.require(Role.VIEWER, "reading incidents")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        return uow.escalations.get(incident_id)


def _record(
    svc: PagingContext,
    uow: UnitOfWork,
    incident: Incident,
    advance: Advance,
    trigger: Trigger,
    *,
    actor: str,
    why: str = "",
) -> Change:
    """Run one step: cancel/enqueue its timers, notify its targets; its timeline line is the
    returned change's event (the caller writes it)."""
    run = advance.run
    uow.jobs.cancel(advance.cancel_keys)
    reason = why or run.reason
    head = f"Escalation step {run.number}/{run.of} ({incident.severity.value} policy, {reason})"
    if run.round > 1:
        head += f", round {run.round}"
    escalation, people, recorded = notify.announce(
        svc,
        uow,
        advance.escalation,
        incident,
        trigger,
        text=head,
        at=run.at,
        targets=run.targets,
        step=run.number,
    )
    if advance.escalation.policy.wait_for_rules:  # the next step waits for the rules' last method
        end = notify.rules_end(svc, uow, [p.id for p, _ in people], incident.severity, run.at)
        held = domain.wait_for_rules(replace(advance, escalation=escalation), end)
        escalation, advance = held.escalation, held
    if advance.timer is not None:
        uow.jobs.enqueue([advance.timer])
    batch = f"notify:{incident.id}:{escalation.batch}:"
    planned = [d for d in recorded if d.key.startswith(batch)]  # as written above, not read back
    who = notify.describe(people, planned, run.at)
    text = f"{head}: {', '.join(run.targets) or 'no target'} → {who}"
    if escalation.next_step_at is not None:
        text += f"; next step at {escalation.next_step_at:%H:%M} UTC unless acknowledged"
    if note := lateness.late_note(run.due_at, run.at):
        text += f"; {note}"
    data = {
        **lateness.late_data(run.due_at, run.at),
        "step": run.number,
        "round": run.round,
        "targets": list(run.targets),
        "notified": [person.id for person, _ in people],
        "channels": list(svc.paging.person_channels),
        "reason": reason,
    }
    event = _event(EventKind.ESCALATED, run.at, actor, text, data)
    uow.escalations.save(escalation, run.at)
    return Change(incident, events=(event,))


def _persist(svc: Services, uow: UnitOfWork, change: Change) -> None:
    """A step run by a timer or by hand: written like any change (its event on the timeline,
    the reactions see it: Slack thread, GitHub comments); the incident row is unchanged.
    Steps run while reacting to a change are written with it (``react``) instead."""
    from tocsin.services.incidents.incidents import persist  # incidents → reactions → this module

    persist(svc, uow, change, before=change.incident)


def _event(
    kind: EventKind, at: datetime, actor: str, text: str, data: Mapping[str, Any] | None = None
) -> TimelineEvent:
    return TimelineEvent(kind=kind, at=at, actor=actor, text=text, data=dict(data or {}))
