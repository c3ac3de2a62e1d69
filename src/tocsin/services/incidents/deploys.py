"""Deploys: recorded from the deploy hook or GitHub, correlated with incidents.

- An incident that opens looks back ``deploys.window`` (60 min) for production deploys of the
  services its alerts name: each is a suspect, on the timeline and as the room's rollback banner
  (the ``deploys.correlate`` job, run after the opening commits, so the alerts are there).
- A deploy that arrives late (deployed before an open incident was detected) is checked the
  same way; a deploy of an affected service while the incident is open ticks the plan's
  "Fix permanent" lines (staging: "Tester en staging first"; production: "Déployer hotfix",
  "Déployer en production") with its version and time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tocsin.domain import checklist_ticks
from tocsin.domain import deploy as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.checklist import fix_trail_keys
from tocsin.domain.deploy import Deploy
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.incidents.context import IncidentsContext
from tocsin.services.ports import IncidentFilter, UnitOfWork

MAX_OPEN = 200
MAX_ALERTS = 200


def _affected(uow: UnitOfWork, incident: Incident) -> frozenset[str]:
    labels = [a.labels for a in uow.alerts.list(incident.id, limit=MAX_ALERTS)]
    return domain.affected(labels, incident.impact.components_down)


def _suspect_event(deploy: Deploy, incident: Incident, at: datetime, by: str) -> TimelineEvent:
    text = domain.banner(deploy, incident.detected_at)
    data = {
        "suspect": True,
        "deploy_id": deploy.id,
        "service": deploy.service,
        "version": deploy.version,
        "environment": deploy.environment,
        "url": deploy.url,
        "deployed_at": deploy.deployed_at.isoformat(),
    }
    return TimelineEvent(EventKind.DEPLOY, at, by, text, data)


def _already(uow: UnitOfWork, incident_id: IncidentId, deploy_id: int | None) -> bool:
    return any(
        e.kind is EventKind.DEPLOY and e.data.get("deploy_id") == deploy_id
        for e in uow.timeline.list(incident_id)
    )


def react(svc: IncidentsContext, uow: UnitOfWork, change: Change) -> None:
    """An incident that opens gets its deploy correlation job (after this commit, so its alerts
    are there) when any deploy at all happened in the window before it (not looked for when no
    deploy can be recorded: no ``deploy`` source, no GitHub webhooks)."""
    if not svc.deploys_arrive:
        return
    for event in change.events:
        detected = change.incident.detected_at
        if event.kind is EventKind.DECLARED and uow.deploys.between(
            detected - svc.deploy_window, detected, limit=1
        ):
            key = f"deploys.correlate:{change.incident.id}"
            uow.jobs.enqueue(
                [JobRequest(JobKind.DEPLOY_CORRELATE, event.at, {"incident_id": change.incident.id}, key)]
            )


def correlate(svc: IncidentsContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The ``deploys.correlate`` job: suspects of a newly opened incident, on its timeline once."""
    incident = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    services = _affected(uow, incident)
    if not services:
        return True
    start = incident.detected_at - svc.deploy_window
    found = domain.suspects(
        uow.deploys.between(start, incident.detected_at, services=sorted(services)),
        services,
        incident.detected_at,
        svc.deploy_window,
    )
    fresh = [d for d in found if not _already(uow, incident.id, d.id)]
    if fresh:
        at = svc.clock.now()
        uow.timeline.append(incident.id, [_suspect_event(d, incident, at, "tocsin") for d in fresh])
    return True


def record_deploy(svc: IncidentsContext, deploy: Deploy) -> tuple[Deploy | None, list[int]]:
    """Store a deploy (a redelivery is ``None``) and apply it to the open incidents it concerns;
    returns the incidents it touched."""
    with svc.uow() as uow:
        result = record_in(svc, uow, deploy)
        uow.commit()
    return result


def record_in(svc: IncidentsContext, uow: UnitOfWork, deploy: Deploy) -> tuple[Deploy | None, list[int]]:
    """``record_deploy`` in the caller's unit of work (the GitHub webhook's)."""
    stored = uow.deploys.add(deploy)
    if stored is None:
        return None, []
    at = svc.clock.now()
    page = uow.incidents.list(IncidentFilter(open=True, limit=MAX_OPEN))
    touched = [int(incident.id) for incident in page.items if _apply(svc, uow, incident, stored, at)]
    return stored, touched


def _apply(svc: IncidentsContext, uow: UnitOfWork, incident: Incident, deploy: Deploy, at: datetime) -> bool:
    services = _affected(uow, incident)
    if deploy.service not in services:
        return False
    locked = uow.incidents.get(incident.id, for_update=True)
    if domain.suspects([deploy], services, locked.detected_at, svc.deploy_window):
        if not _already(uow, locked.id, deploy.id):
            uow.timeline.append(locked.id, [_suspect_event(deploy, locked, at, f"deploy:{deploy.source}")])
        return True
    environment = domain.fix_environment(deploy, services, locked.detected_at)
    if environment is None:
        return False
    items = svc.checklist_items
    recorded = [TimelineEvent(e.kind, e.at, e.actor, e.text, e.data) for e in uow.timeline.list(locked.id)]
    done = {key for key, tick in checklist_ticks.state(recorded, items).items() if tick.done}
    keys = [key for key in fix_trail_keys(items, environment) if key not in done]
    if not keys:
        return True
    note = f"{deploy.version} in {deploy.environment} at {deploy.deployed_at:%H:%M} UTC"
    events: list[TimelineEvent] = []
    by = f"deploy:{deploy.source}"
    for key in keys:
        change = checklist_ticks.tick(
            locked, key, done=True, note=note, at=at, by=by, automatic=True, items=items
        )
        events.extend(change.events)
    from tocsin.services.incidents.incidents import persist  # incidents -> reactions -> this module

    persist(svc, uow, Change(locked, events=tuple(events)), before=locked)
    return True


def list_deploys(
    svc: Services,
    *,
    by: Actor,
    service: str | None = None,
    environment: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[Deploy]:
    by.require(Role.VIEWER, "reading deploys")
    with svc.read() as uow:
        return uow.deploys.list(service=service, environment=environment, limit=limit, offset=offset)
