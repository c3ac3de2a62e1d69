"""Status page use cases: the draft prepared when a P0/P1 opens, posting public updates (which
set the affected components' statuses), and the reaction that follows incidents.

Everything runs in the caller's unit of work with the incident row locked, so a public update,
the component history and the timeline entry commit together.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tocsin.domain import drill, restriction
from tocsin.domain import statuspage as domain
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import Change, EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.statuspage import ComponentChange, ComponentStatus, PublicIncident, UpdateStatus
from tocsin.services.context import Services
from tocsin.services.ports import UnitOfWork
from tocsin.services.statuspage import customer_email, export, subscribers
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.ports import StatusChange

SYSTEM_ACTOR = "tocsin"
_ALPHABET = string.ascii_lowercase + string.digits


def new_public_id() -> str:
    """A 12-character lowercase alphanumeric id, like Statuspage's; never the internal id."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def react(svc: StatusPageContext, uow: UnitOfWork, change: Change) -> None:
    """Prepare the draft and arm the customer-email timer when a published severity opens (or an
    incident is raised to one); send the resolution email when it resolves."""
    if not svc.statuspage.enabled:
        return
    incident = change.incident
    for event in change.events:
        if event.kind in (EventKind.DECLARED, EventKind.SEVERITY_CHANGED):
            _prepare(svc, uow, incident, event.at)
        elif event.kind is EventKind.RESOLVED:
            customer_email.on_resolved(svc, uow, incident, event.at)


def _prepare(svc: StatusPageContext, uow: UnitOfWork, incident: Incident, at: datetime) -> None:
    level = svc.plan.level(incident.severity)
    if level.customer_email_after is not None and not incident.drill:  # customers never hear of drills
        uow.jobs.enqueue(
            [
                JobRequest(
                    JobKind.STATUS_CUSTOMER_EMAIL,
                    due_at=incident.detected_at + level.customer_email_after,
                    payload={
                        "incident_id": int(incident.id),
                        "due_at": (incident.detected_at + level.customer_email_after).isoformat(),
                    },
                    key=f"statuspage.customer_email:{incident.id}",
                )
            ]
        )
    if not level.status_page or uow.statuspage.get_public(incident.id) is not None:
        return
    public = _draft(svc, incident, at)
    uow.statuspage.save_public(public)
    text = (
        f"Status page: {level.label} requires a public update. Draft ready: "
        f"{UpdateStatus.INVESTIGATING.icon} **Investigating** - {public.draft_body} "
        f"Publish it: tocsin status update {incident.id} investigating"
    )
    if incident.drill:
        text = (
            f"Status page: {level.label} would require a public update. Draft kept private: "
            f"{UpdateStatus.INVESTIGATING.icon} **Investigating** - {public.draft_body} "
            "(a drill is never published)"
        )
    event = TimelineEvent(EventKind.STATUS_DRAFTED, at, SYSTEM_ACTOR, text, {"public_id": public.id})
    uow.timeline.append(incident.id, [event])


def _draft(svc: StatusPageContext, incident: Incident, at: datetime) -> PublicIncident:
    """Components named in the incident's impact assessment, if configured, seed the draft."""
    known = [c for c in (svc.statuspage.component(k) for k in incident.impact.components_down) if c]
    return domain.draft(
        new_public_id(),
        incident_id=incident.id,
        severity=incident.severity,
        component_names=[c.name for c in known if c.public],
        components=[c.key for c in known],
        at=at,
    )


def _redraft(
    svc: StatusPageContext, public: PublicIncident, incident: Incident, keys: Sequence[str]
) -> PublicIncident:
    """Before the first post, naming components rewrites the prepared name and text with them."""
    known = [c for c in (svc.statuspage.component(k) for k in dict.fromkeys(keys)) if c]
    return domain.draft(
        public.id,
        incident_id=incident.id,
        severity=incident.severity,
        component_names=[c.name for c in known if c.public],
        components=[c.key for c in known],
        at=public.created_at,
    )


def current_statuses(uow: UnitOfWork) -> dict[str, ComponentStatus]:
    latest: dict[str, ComponentStatus] = {}
    for change in uow.statuspage.history(since=datetime.max.replace(tzinfo=UTC)):
        latest[change.component] = change.status
    return latest


def _affected(
    svc: StatusPageContext, components: Sequence[str] | Mapping[str, str] | None
) -> tuple[list[str], dict[str, ComponentStatus]]:
    """``["api"]`` names affected components (the severity sets their status);
    ``{"api": "major_outage"}`` overrides it. Unknown components or statuses are refused."""
    if not components:
        return [], {}
    known = [c.key for c in svc.statuspage.components]
    keys = list(components)
    for key in keys:
        if key not in known:
            listed = ", ".join(known) or "none"
            raise InvalidInput(f"components: unknown component {key!r} (configured: {listed})")
    forced: dict[str, ComponentStatus] = {}
    if isinstance(components, Mapping):
        for key, status in components.items():
            try:
                forced[key] = ComponentStatus(status)
            except ValueError:
                allowed = ", ".join(s.value for s in ComponentStatus)
                raise InvalidInput(f"components.{key}: unknown status {status!r} ({allowed})") from None
    return keys, forced


def post_status_update(
    svc: StatusPageContext,
    incident_id: IncidentId,
    *,
    status: UpdateStatus,
    message: str | None = None,
    components: Sequence[str] | Mapping[str, str] | None = None,
    name: str | None = None,
    by: Actor,
) -> PublicIncident:
    """Publish one update (🔴 investigating, 🟡 identified, 🔵 monitoring, 🟢 resolved). Without a
    message, an investigating update publishes the prepared draft."""
    by.require(Role.RESPONDER, "posting a status page update")
    named, forced = _affected(svc, components)
    with svc.uow() as uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, incident)
        drill.refuse_public(incident)
        at = svc.clock.now()
        public = uow.statuspage.get_public(incident.id) or _draft(svc, incident, at)
        if not public.published and named:
            public = _redraft(svc, public, incident, [*public.components, *named])
        if name:
            public = domain.rename(public, name)
        body = message if message and message.strip() else public.draft_body
        if not body:
            raise InvalidInput("message: must not be empty")
        keys = list(dict.fromkeys([*public.components, *named]))
        targets = domain.target_statuses(status, incident.severity, keys, forced)
        changes = _changes(svc, uow, targets)
        posted = domain.post(public, new_public_id(), status=status, body=body, changes=changes, at=at)
        uow.statuspage.save_public(posted)
        subscribers.notify_update(svc, uow, posted)
        subscribers.notify_webhooks(svc, uow, posted)
        uow.statuspage.record_statuses(
            [StatusChange(c.key, c.new_status, at) for c in changes], public_id=posted.id
        )
        uow.timeline.append(
            incident.id, [_posted_event(incident, posted, by.name, first=not public.published)]
        )
        export.public_changed(svc, uow)
        uow.commit()
    return posted


def _changes(
    svc: StatusPageContext, uow: UnitOfWork, targets: Mapping[str, ComponentStatus]
) -> list[ComponentChange]:
    current = current_statuses(uow)
    changes = []
    for key, new in targets.items():
        old = current.get(key, ComponentStatus.OPERATIONAL)
        component = svc.statuspage.component(key)
        if old is not new and component is not None:
            changes.append(ComponentChange(key, component.name, old, new))
    return changes


def _posted_event(incident: Incident, posted: PublicIncident, actor: str, *, first: bool) -> TimelineEvent:
    update = posted.updates[-1]
    data: dict[str, object] = {"public_id": posted.id, "update_id": update.id, "status": update.status.value}
    text = f"Status page update posted: {update.render()}"
    if first:
        seconds = int((update.posted_at - incident.detected_at).total_seconds())
        data["time_to_first_public_update_seconds"] = seconds
        text += f" (first public update, {seconds // 60} min after detection)"
    return TimelineEvent(EventKind.STATUS_POSTED, update.posted_at, actor, text, data)


def public_status(svc: Services, incident_id: IncidentId, *, by: Actor) -> PublicIncident | None:
    """The incident's public incident (draft or posted), for the incident room."""
    by.require(Role.VIEWER, "reading the status page")
    with svc.read() as uow:
        restriction.require_clearance(by, uow.incidents.get(incident_id))
        return uow.statuspage.get_public(incident_id)
