"""Post-mortem use cases (the plan's Phase 4): opened by resolution, edited, completed or
waived, reminded, and the gate that keeps a P0/P1 from closing until it is done.

Every change runs in one unit of work with the incident row locked, and puts a line on the
timeline; reminders are durable jobs written with the change that armed them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tocsin.domain import incident_report, restriction
from tocsin.domain import postmortem as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidTransition, NotFound
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.postmortem import PostMortem
from tocsin.services.context import Services
from tocsin.services.incidents.context import IncidentsContext, PostMortemContext
from tocsin.services.incidents.postmortem_edit import Edit, apply_edit
from tocsin.services.ports import UnitOfWork

SYSTEM = "tocsin"


@dataclass(frozen=True, slots=True)
class PostMortemView:
    incident: Incident
    postmortem: PostMortem | None
    timeline: Sequence[incident_report.Entry]
    required: bool


def _event(at: datetime, by: str, text: str, action: str) -> TimelineEvent:
    return TimelineEvent(EventKind.POSTMORTEM, at, by, text, {"action": action})


def _required(svc: Services, incident: Incident) -> bool:
    return svc.plan.level(incident.severity).postmortem_due_after is not None


def _default_owner(incident: Incident) -> str:
    return incident.acknowledged_by or ("" if incident.declared_by == SYSTEM else incident.declared_by)


def _reminders(pm: PostMortem) -> list[JobRequest]:
    due = pm.due_at
    if due is None:
        return []
    return [
        JobRequest(
            JobKind.POSTMORTEM_REMINDER,
            when,
            {"incident_id": pm.incident_id, "due_at": due.isoformat(), "which": which},
            domain.reminder_key(pm.incident_id, due, which),
        )
        for which, when in domain.reminder_times(pm)
    ]


def react(svc: Services, uow: UnitOfWork, change: Change) -> None:
    """A resolution opens the post-mortem its severity requires (or re-arms a draft's deadline)."""
    resolved = [e for e in change.events if e.kind is EventKind.RESOLVED]
    incident = change.incident
    if not resolved or incident.resolved_at is None:
        return
    within = svc.plan.level(incident.severity).postmortem_due_after
    existing = uow.postmortems.get(incident.id)
    at = resolved[-1].at
    if existing is None:
        if within is None:
            return
        impact = incident.impact.describe() if incident.impact.assessed_at else ""
        pm = domain.open_postmortem(
            incident.id,
            owner=_default_owner(incident),
            impact=impact,
            resolved_at=incident.resolved_at,
            within=within,
        )
        uow.postmortems.add(pm, at)
    else:
        pm = domain.rearm(existing, resolved_at=incident.resolved_at, within=within)
        if pm == existing:
            return
        uow.postmortems.save(pm, at)
    if pm.due_at is not None and not pm.status.done:
        owner = pm.owner or "nobody yet"
        text = f"Post-mortem opened: due {pm.due_at:%Y-%m-%d %H:%M} UTC, owner {owner}"
        uow.timeline.append(incident.id, [_event(at, SYSTEM, text, "opened")])
        uow.jobs.enqueue(_reminders(pm))


def require_closable(svc: Services, uow: UnitOfWork, incident: Incident) -> None:
    """Raise ``Conflict`` when the plan's post-mortem keeps ``incident`` from closing."""
    domain.require_closable(
        uow.postmortems.get(incident.id),
        required=_required(svc, incident),
        incident_id=incident.id,
        severity=incident.severity.value,
    )


def closable(svc: Services, uow: UnitOfWork, incident: Incident) -> bool:
    pm = uow.postmortems.get(incident.id)
    return (pm is not None and pm.status.done) or (
        not _required(svc, incident) and (pm is None or not pm.required)
    )


def _events(uow: UnitOfWork, incident_id: IncidentId) -> list[tuple[int, TimelineEvent]]:
    return [
        (e.id, TimelineEvent(e.kind, e.at, e.actor, e.text, e.data)) for e in uow.timeline.list(incident_id)
    ]


def view(svc: Services, incident_id: IncidentId, *, by: Actor) -> PostMortemView:
    by.require(Role.VIEWER, "reading post-mortems")
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        restriction.require_clearance(by, incident)
        pm = uow.postmortems.get(incident_id)
        entries = incident_report.curate(_events(uow, incident_id), pm)
    return PostMortemView(incident, pm, entries, _required(svc, incident))


def report(svc: IncidentsContext, incident_id: IncidentId, *, by: Actor) -> str:
    """The Incident Report (Markdown, the plan's template) as it stands now."""
    by.require(Role.VIEWER, "reading post-mortems")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        return report_in(svc, uow, incident_id)


def report_in(svc: IncidentsContext, uow: UnitOfWork, incident_id: IncidentId) -> str:
    """The report, read in the caller's unit of work (jobs: no actor)."""
    incident = uow.incidents.get(incident_id)
    pm = uow.postmortems.get(incident_id)
    entries = incident_report.curate(_events(uow, incident_id), pm)
    return incident_report.render(incident, pm, entries, svc.report_timezone)


def _locked(uow: UnitOfWork, incident_id: IncidentId, by: Actor) -> tuple[Incident, PostMortem]:
    incident = uow.incidents.get(incident_id, for_update=True)
    restriction.require_clearance(by, incident)
    pm = uow.postmortems.get(incident_id)
    if pm is None:
        raise NotFound(
            f"incident #{incident_id} has no post-mortem yet: it opens when the incident is resolved"
            " (P0/P1), or start one with POST …/postmortem"
        )
    return incident, pm


def start(svc: Services, incident_id: IncidentId, *, by: Actor) -> PostMortem:
    """Start a post-mortem that the plan does not require (P2/P3), or return the existing one."""
    by.require(Role.RESPONDER, "starting a post-mortem")
    at = svc.clock.now()
    with svc.uow() as uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, incident)
        existing = uow.postmortems.get(incident_id)
        if existing is not None:
            return existing
        within = svc.plan.level(incident.severity).postmortem_due_after
        resolved_at = incident.resolved_at
        impact = incident.impact.describe() if incident.impact.assessed_at else ""
        owner = _default_owner(incident) or by.name
        if resolved_at is None:
            pm = PostMortem(
                incident.id, required=False, owner=owner, opened_at=at, due_at=None, impact=impact
            )
        else:
            pm = domain.open_postmortem(
                incident.id, owner=owner, impact=impact, resolved_at=resolved_at, within=within
            )
        uow.postmortems.add(pm, at)
        uow.timeline.append(incident.id, [_event(at, by.name, "Post-mortem started", "started")])
        uow.jobs.enqueue(_reminders(pm))
        uow.commit()
    return pm


def edit(svc: PostMortemContext, incident_id: IncidentId, change: Edit, *, by: Actor) -> PostMortem:
    by.require(Role.RESPONDER, "editing a post-mortem")
    at = svc.clock.now()
    with svc.uow() as uow:
        _, pm = _locked(uow, incident_id, by)
        domain.require_draft(pm, "edit the post-mortem")
        updated = apply_edit(svc, uow, pm, change, at.date())
        if updated != pm:
            uow.postmortems.save(updated, at)
            if svc.github is not None and updated.action_items != pm.action_items:
                uow.jobs.enqueue([actions_job(incident_id, at)])
            uow.commit()
    return updated


def complete(svc: PostMortemContext, incident_id: IncidentId, *, by: Actor) -> PostMortem:
    by.require(Role.RESPONDER, "completing a post-mortem")
    at = svc.clock.now()
    with svc.uow() as uow:
        incident, pm = _locked(uow, incident_id, by)
        done = domain.complete(pm, at=at, by=by.name)
        uow.postmortems.save(done, at)
        late = pm.due_at is not None and at > pm.due_at
        text = "Post-mortem complete" + (" (after its deadline)" if late else "")
        uow.timeline.append(incident.id, [_event(at, by.name, text, "completed")])
        if svc.github is not None and uow.github.link(incident.id) is not None:
            key = f"github.report:{incident.id}:{at.isoformat()}"
            uow.jobs.enqueue([JobRequest(JobKind.GITHUB_REPORT, at, {"incident_id": incident.id}, key)])
        uow.commit()
    return done


def waive(svc: Services, incident_id: IncidentId, *, reason: str, by: Actor) -> PostMortem:
    by.require(Role.ADMIN, "waiving a post-mortem")
    at = svc.clock.now()
    with svc.uow() as uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        pm = uow.postmortems.get(incident_id)
        if pm is None:
            if incident.phase is not Phase.POST_INCIDENT:
                raise NotFound(f"incident #{incident_id} has no post-mortem to waive (it is not resolved)")
            pm = PostMortem(
                incident.id, required=_required(svc, incident), owner="", opened_at=at, due_at=None
            )
            uow.postmortems.add(pm, at)
        waived = domain.waive(pm, reason=reason, at=at, by=by.name)
        uow.postmortems.save(waived, at)
        text = f"Post-mortem waived by {by.name}: {waived.waived_reason}"
        uow.timeline.append(incident.id, [_event(at, by.name, text, "waived")])
        uow.commit()
    return waived


def reopen(svc: Services, incident_id: IncidentId, *, by: Actor) -> PostMortem:
    by.require(Role.RESPONDER, "reopening a post-mortem")
    at = svc.clock.now()
    with svc.uow() as uow:
        incident, pm = _locked(uow, incident_id, by)
        if incident.phase is Phase.CLOSED:
            raise InvalidTransition("post-mortem: the incident is closed; reopen the incident first")
        opened = domain.reopen(pm)
        uow.postmortems.save(opened, at)
        uow.timeline.append(incident.id, [_event(at, by.name, "Post-mortem reopened", "reopened")])
        uow.jobs.enqueue([j for j in _reminders(opened) if j.due_at > at])
        uow.commit()
    return opened


def overdue(svc: Services, *, by: Actor) -> list[tuple[PostMortem, Incident]]:
    """Drafts past their deadline, with their incidents, for the dashboard."""
    by.require(Role.VIEWER, "reading post-mortems")
    with svc.read() as uow:
        late = uow.postmortems.overdue(svc.clock.now())
        return [(pm, restriction.view(by, uow.incidents.get(IncidentId(pm.incident_id)))) for pm in late]


def actions_job(incident_id: int, at: datetime) -> JobRequest:
    """The ``github.actions`` job that aligns the action items' GitHub issues (the GitHub feature
    handles it; the post-mortem only says that its items changed)."""
    return JobRequest(
        JobKind.GITHUB_ACTIONS,
        at,
        {"incident_id": incident_id},
        f"github.actions:{incident_id}:{at.isoformat()}",
    )
