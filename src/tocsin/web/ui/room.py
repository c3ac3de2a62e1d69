"""``/incidents/{id}``: the incident room. Its status header and its timeline are fragments
that htmx polls, so every responder watching sees the same thing within seconds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request, Response
from markupsafe import Markup

from tocsin.domain.alert import StoredAlert
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.security_steps import StepState, StepStatus
from tocsin.domain.severity import Severity
from tocsin.platform.i18n import N_
from tocsin.services.incidents import checklist, compliance, diagnostics, runbooks
from tocsin.services.incidents import incidents as use_cases
from tocsin.services.intake.alerts import alert_page
from tocsin.services.paging import pages
from tocsin.services.security import procedure as security_procedure
from tocsin.web.context import container_of, one_read, services_of
from tocsin.web.labels import event_label
from tocsin.web.markdown import render_markdown
from tocsin.web.ui import views
from tocsin.web.ui.evidence import evidence_context
from tocsin.web.ui.isolation import isolation_context
from tocsin.web.ui.render import fragment, page
from tocsin.web.ui.room_alerts import PER_PAGE, alerts_view
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import Session
from tocsin.web.ui.status_panel import panel_context

router = APIRouter(route_class=UiRoute, include_in_schema=False)

IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
MAX_RUNBOOKS = 3
ROOM_TIMELINE = 50  # events per timeline page (rendered with every poll); older ones a link away
Kinds = Annotated[list[str] | None, Query(alias="kind", max_length=50)]
EventId = Annotated[int | None, Query(ge=1, le=2**62)]

# Filter chips group the kinds a responder thinks in; any kind not listed (added by later
# features) still shows under its own name.
KIND_GROUPS: dict[str, tuple[str, ...]] = {
    N_("Notes"): ("note",),
    N_("Status"): ("declared", "acknowledged", "phase_changed", "resolved", "reopened", "closed"),
    N_("Severity & impact"): (
        "severity_changed",
        "impact_assessed",
        "renamed",
        "security_marked",
        "security_unmarked",
    ),
    N_("Response clock"): ("sla_breached",),
}


def _groups(present_kinds: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
    present = set(present_kinds)
    known = {k for kinds in KIND_GROUPS.values() for k in kinds}
    groups = [(name, kinds) for name, kinds in KIND_GROUPS.items() if present & set(kinds)]
    groups += [(event_label(kind).capitalize(), (kind,)) for kind in sorted(present - known)]
    return groups


def timeline_context(
    request: Request,
    session: Session,
    incident_id: int,
    kinds: list[str] | None,
    *,
    before: int | None = None,
    since: int | None = None,
) -> dict[str, Any]:
    """The newest ``ROOM_TIMELINE`` events (of the chosen kinds), or those ``before`` an event
    (the "show older" pages, which are not polled), or only those ``since`` an event."""
    wanted = {kind for item in kinds or () for kind in item.split(",") if kind}
    found = use_cases.timeline_page(
        services_of(request),
        IncidentId(incident_id),
        by=session.user.actor,
        kinds=frozenset(wanted),
        before=before,
        since=since,
        limit=ROOM_TIMELINE,
    )
    chosen = [("kind", ",".join(sorted(wanted)))] if wanted else []
    return {
        "events": found.events,
        "suspects": found.suspects,
        "all_count": found.total,
        "groups": _groups(found.kinds),
        "kinds": wanted,
        "incident_id": incident_id,
        "older_url": (
            f"/incidents/{incident_id}?{urlencode([('before', found.older), *chosen])}#timeline-panel"
            if found.older is not None
            else ""
        ),
        "older_view": before is not None,
    }


def _checklist_groups(request: Request, session: Session, incident_id: int) -> list[tuple[Any, list[Any]]]:
    lines = checklist.checklist(services_of(request), IncidentId(incident_id), by=session.user.actor)
    configured = services_of(request).checklists
    return [(c, [line for line in lines if line.item.phase is c.phase]) for c in configured]


def _runbooks(request: Request, alerts: Sequence[StoredAlert]) -> list[tuple[Any, Markup]]:
    found = runbooks.matching(services_of(request), alerts)
    return [(m, render_markdown(m.runbook.body, web_links_only=True)) for m in found[:MAX_RUNBOOKS]]


def _security_steps(request: Request, session: Session, incident: Incident) -> tuple[StepStatus, ...]:
    if not incident.security:
        return ()
    return security_procedure.procedure(services_of(request), incident.id, by=session.user.actor)


def _status(request: Request, session: Session, incident_id: int) -> dict[str, Any]:
    svc = services_of(request)
    incident = use_cases.get_incident(svc, IncidentId(incident_id), by=session.user.actor)
    return {"v": views.view(incident, svc.plan, container_of(request).clock.now())}


@router.get("/incidents/{incident_id}")
def incident_room(
    request: Request, session: Session, incident_id: IncidentPath, kind: Kinds = None, before: EventId = None
) -> Response:
    with one_read(request):  # one unit of work for the dozen reads below
        status = _status(request, session, incident_id)
        if status["v"].incident.redacted:
            # a security incident the reader may not read: its number, severity and clock only
            return page(request, "ui/restricted.html", session, nav="incidents", **status)
        context = _room(request, session, status["v"].incident, kind, before)
    return page(request, "ui/incident.html", session, nav="incidents", **status, **context)


def _room(
    request: Request, session: Session, incident: Incident, kind: list[str] | None, before: int | None
) -> dict[str, Any]:
    svc, actor, incident_id = services_of(request), session.user.actor, incident.id
    # the first alerts once, for the Alerts card's first page, the runbooks and the diagnostics
    wanted = PER_PAGE
    if svc.runbooks is not None or svc.diagnostics is not None:
        wanted = max(PER_PAGE, runbooks.MAX_ALERTS, diagnostics.MAX_ALERTS)
    first, counts = alert_page(svc, incident_id, by=actor, limit=wanted, offset=0)
    return {
        "checklist_groups": _checklist_groups(request, session, incident_id),
        "security_steps": _security_steps(request, session, incident),
        "step_states": list(StepState),
        "severities": list(Severity),
        "status_page": panel_context(request, session, incident_id),
        **alerts_view(first[:PER_PAGE], counts),
        "diagnostics": diagnostics.links_of(svc, incident, first),
        "diagnostics_on": svc.diagnostics is not None,
        "runbooks": _runbooks(request, first),
        "runbooks_on": svc.runbooks is not None,
        "compliance": compliance.incident_compliance(svc, incident_id, by=actor),
        **timeline_context(request, session, incident_id, kind, before=before),
        "told": pages.who_has_been_told(pages.list_pages(svc, incident_id, by=actor)),
        **isolation_context(request, session, incident_id),
        **evidence_context(request, session, incident),
    }


@router.get("/incidents/{incident_id}/timeline")
def timeline(
    request: Request,
    session: Session,
    *,
    incident_id: IncidentPath,
    kind: Kinds = None,
    before: EventId = None,
    since: EventId = None,
) -> Response:
    """The timeline fragment: the newest events; ``before``: an older page; ``since``: only
    the events after that one (for a client that appends)."""
    with one_read(request):  # the incident, its events and their kinds
        context = timeline_context(request, session, incident_id, kind, before=before, since=since)
    return fragment(request, "ui/_timeline.html", **context)


@router.get("/incidents/{incident_id}/status")
def status(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    with one_read(request):
        context = _status(request, session, incident_id)
    return fragment(request, "ui/_incident_status.html", **context)
