"""Isolation actions on a security incident: list them with their state, run one, undo one.

The outbound call happens inside the request that asked for it, with the action's bounded
timeout (10 s by default, at most 60 s): the person who confirmed wants to know at once whether
traffic is blocked, and an isolation is never retried on its own, so a durable job (whose point
is retrying) would only add delay. No database transaction is open during the call: the
incident is read first, and the request and its outcome are written in one commit after it.
A timeout, a refused connection or an error status is recorded as failed; running the action
again is the retry.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tocsin.domain import isolation as domain
from tocsin.domain import isolation_record as record
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict, InvalidInput, NotFound
from tocsin.domain.events import Change, EventKind
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.isolation import Action, Request
from tocsin.domain.isolation_record import ActionState, Attempt
from tocsin.services.incidents.incidents import persist
from tocsin.services.security.context import SecurityContext
from tocsin.services.security.isolation_ports import Isolation

log = logging.getLogger(__name__)

ISOLATION_KINDS = frozenset({EventKind.ISOLATION.value})  # the only events action states come from


@dataclass(frozen=True, slots=True)
class Overview:
    incident: Incident
    states: Sequence[ActionState]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready to be confirmed and sent."""

    action: Action
    op: str
    request: Request
    params: Mapping[str, str]
    incident: Incident

    @property
    def prompt(self) -> str:
        return domain.prompt(self.action, self.op, self.request)


def _configured(svc: SecurityContext) -> Isolation:
    if svc.isolation is None or not svc.isolation.actions:
        raise NotFound("no isolation action is configured (security.isolation.actions)")
    return svc.isolation


def _action(svc: SecurityContext, key: str) -> Action:
    actions = _configured(svc).actions
    if key not in actions:
        raise NotFound(f"no isolation action {key!r} (configured: {', '.join(actions)})")
    return actions[key]


def overview(svc: SecurityContext, incident_id: IncidentId, *, by: Actor) -> Overview:
    """Every configured action with its state on this incident and its last run."""
    by.require(Role.SECURITY, "reading isolation actions")
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        restriction.require_clearance(by, incident)
        events = uow.timeline.list(incident_id, kinds=ISOLATION_KINDS)
    actions = svc.isolation.actions.values() if svc.isolation else ()
    return Overview(incident, [record.state(a, events) for a in actions])


def prepare(
    svc: SecurityContext,
    incident_id: IncidentId,
    key: str,
    *,
    by: Actor,
    params: Mapping[str, str] | None = None,
    undo: bool = False,
) -> Prepared:
    """The request ``run`` would send, checked (role, security incident, parameters, state)."""
    op = domain.UNDO if undo else domain.RUN
    by.require(Role.SECURITY, f"{'undoing' if undo else 'running'} an isolation action")
    action = _action(svc, key)
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        restriction.require_clearance(by, incident)
        events = uow.timeline.list(incident_id, kinds=ISOLATION_KINDS)
    if not incident.security:
        raise Conflict(
            f"incident {incident_id} is not a security incident: mark it as one first "
            "(POST /api/v1/incidents/{id}/security, the room's \u201cMark as security incident\u201d, or "
            "tocsin incident security ID), then isolate"
        )
    given = dict(params or {})
    if undo:
        state = record.state(action, events)
        if not state.can_undo:
            was = "was never run" if state.status is record.Status.NEVER_RUN else "is already undone"
            raise Conflict(f"{action.label!r} {was} on incident {incident_id}: nothing to undo")
        given = given or dict(state.params)
    values = domain.values_for(
        action, given, incident_id=int(incident.id), severity=incident.severity.value, actor=by.name
    )
    rendered = domain.render(action.step(op), values)
    used = {p.name: values[domain.PARAM_PREFIX + p.name] for p in action.params}
    return Prepared(action, op, rendered, used, incident)


def run(
    svc: SecurityContext,
    incident_id: IncidentId,
    key: str,
    *,
    by: Actor,
    params: Mapping[str, str] | None = None,
    confirm: bool = False,
    undo: bool = False,
) -> Attempt:
    """Send the action (or its undo) once, after an explicit confirmation, and record the
    request and its outcome on the timeline. A failure is recorded, not raised, not retried."""
    prepared = prepare(svc, incident_id, key, by=by, params=params, undo=undo)
    if not confirm:
        raise InvalidInput(f"confirm: set it to true to send {prepared.prompt}")
    outcome = _configured(svc).caller.call(prepared.request, prepared.action.timeout)
    at = svc.clock.now()
    event = record.event(
        prepared.action, prepared.op, prepared.request, outcome, prepared.params, at=at, by=by.name
    )
    with svc.uow() as uow:
        current = uow.incidents.get(incident_id, for_update=True)
        persist(svc, uow, Change(current, events=(event,)), before=current)
        uow.commit()
    (log.info if outcome.ok else log.warning)("incident %s: %s", incident_id, event.text)
    (attempt,) = record.attempts(key, [event])
    return attempt
