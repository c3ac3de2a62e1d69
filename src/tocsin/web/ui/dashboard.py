"""``/``: what is burning, in the order to deal with it; who is on call; what just ended.

``/dashboard/live`` is the same content as a fragment, polled by htmx."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from tocsin.bootstrap.services import AppServices
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents as use_cases
from tocsin.services.incidents import postmortem
from tocsin.services.ports import IncidentFilter
from tocsin.web.context import container_of, one_read
from tocsin.web.ui import views
from tocsin.web.ui.oncall import on_call_now
from tocsin.web.ui.render import fragment, page
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import Session

router = APIRouter(route_class=UiRoute, include_in_schema=False)

OPEN_LIMIT = 200
RESOLVED_SHOWN = 6


def _live(request: Request, session: Session) -> dict[str, Any]:
    with one_read(request) as svc:  # the open, the resolved and the overdue post-mortems at once
        return _read(svc, request, session)


def _read(svc: AppServices, request: Request, session: Session) -> dict[str, Any]:
    now = container_of(request).clock.now()
    actor = session.user.actor
    open_page = use_cases.list_incidents(svc, IncidentFilter(open=True, limit=OPEN_LIMIT), by=actor)
    done_page = use_cases.list_incidents(
        svc, IncidentFilter(open=False, newest_resolved=True, limit=RESOLVED_SHOWN, counted=False), by=actor
    )
    open_views = views.by_urgency(views.view(i, svc.plan, now) for i in open_page.items)
    counts = {s: sum(1 for v in open_views if v.incident.severity is s) for s in Severity}
    return {
        "open": open_views,
        "open_total": open_page.total,
        "counts": counts,
        "unacknowledged": sum(1 for v in open_views if v.clock.running),
        "breached": sum(1 for v in open_views if v.clock.state == "breached"),
        "overdue_postmortems": postmortem.overdue(svc, by=actor),
        "resolved": views.recently_resolved(
            (views.view(i, svc.plan, now) for i in done_page.items), RESOLVED_SHOWN
        ),
    }


@router.get("/")
def dashboard(request: Request, session: Session) -> Response:
    on_call = on_call_now(container_of(request).services, container_of(request).clock.now())
    return page(
        request, "ui/dashboard.html", session, nav="dashboard", on_call=on_call, **_live(request, session)
    )


@router.get("/dashboard/live")
def dashboard_live(request: Request, session: Session) -> Response:
    return fragment(request, "ui/_dashboard_live.html", **_live(request, session))
