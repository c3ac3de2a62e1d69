"""Alert intake: a parsed notification becomes incident changes, in one unit of work.

``ingest_alerts`` classifies each alert with the source's label rules, finds the group's
current incident (row-locked), lets ``domain.grouping`` decide, and writes alerts, incident,
timeline and jobs together: ONE ``Change`` per notification, persisted once
(``services.incidents.incidents.persist``, which every incident change goes through), so its reactions run
once — a new incident is announced once. When two transactions open an incident for the same
group at once, the schema refuses the second (``Conflict``); it is rolled back and run again,
and then attaches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tocsin.domain import grouping
from tocsin.domain.alert import Notification
from tocsin.domain.errors import Conflict
from tocsin.domain.grouping import GroupState, Intake, Outcome, Route
from tocsin.domain.incident import IncidentId
from tocsin.domain.source import SourcePolicy
from tocsin.services.context import Services
from tocsin.services.incidents.incidents import persist
from tocsin.services.ports import UnitOfWork

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class IngestResult:
    incident_id: IncidentId | None
    route: Route
    outcomes: Mapping[str, Outcome]

    @property
    def accepted(self) -> int:
        return sum(o.accepted for o in self.outcomes.values())

    @property
    def duplicates(self) -> int:
        return len(self.outcomes) - self.accepted


def ingest_alerts(svc: Services, policy: SourcePolicy, notification: Notification) -> IngestResult:
    """Apply one notification and commit; retried when a concurrent opening wins the group."""
    classified = policy.classify(notification)
    for attempt in range(MAX_ATTEMPTS):
        try:
            with svc.uow() as uow:
                result = ingest_in(svc, uow, policy, classified)
                uow.commit()
            return result
        except Conflict:
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def ingest_in(svc: Services, uow: UnitOfWork, policy: SourcePolicy, n: Notification) -> IngestResult:
    """The work of ``ingest_alerts`` inside the caller's unit of work (not committed here)."""
    at = svc.clock.now()
    alerts = grouping.unique_alerts(n.alerts)
    fingerprints = [a.fingerprint for a in alerts]
    found = uow.alerts.current_with(n.group_id, fingerprints)
    current = (found[0], found[1]) if found else None
    known = found[2] if found else {}
    incident = current[0] if current else None
    where = grouping.route(incident, known, alerts, at=at, reopen_window=policy.reopen_window)
    if where is Route.IGNORE:
        return IngestResult(None, where, dict.fromkeys(fingerprints, Outcome.DUPLICATE))
    if where is Route.OPEN or current is None:
        opening = grouping.open_group(uow.incidents.next_id(), n, policy, at=at, plan=svc.plan)
        persist(svc, uow, opening.intake.change, new=True)
        uow.alerts.claim(opening.intake.change.incident, n.group_id, opening.intake.group)
        uow.alerts.write(opening.intake.rows)
        return IngestResult(opening.state.incident.id, where, opening.intake.outcomes)
    state = GroupState(current[0], current[1], known, current[1].tally.without(known.values()))
    intake = grouping.absorb(
        state,
        n,
        at=at,
        by=policy.actor,
        plan=svc.plan,
        reopen=where is Route.REOPEN,
        auto_resolve=policy.auto_resolve,
    )
    _write(svc, uow, state, intake)
    return IngestResult(state.incident.id, where, intake.outcomes)


def _write(svc: Services, uow: UnitOfWork, state: GroupState, intake: Intake) -> None:
    change = intake.change
    if change.incident != state.incident or change.events or change.jobs or change.cancel_keys:
        persist(svc, uow, change, before=state.incident)  # a repeat changes nothing: no write at all
    uow.alerts.write(intake.rows)
    if intake.group != state.group:
        uow.alerts.save_group(change.incident.id, intake.group)
