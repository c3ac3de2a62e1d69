"""``/incidents``: the list (filters, search, pages) and ``/incidents/new``: declaring one (the
plan's "user report" path)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response

from tocsin.domain.errors import DomainError, PermissionDenied
from tocsin.domain.incident import MAX_TEXT, MAX_TITLE
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents as use_cases
from tocsin.services.ports import IncidentFilter
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import container_of, services_of
from tocsin.web.ui import views
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

PAGE_SIZE = 25
STATES = {"open": True, "closed": False, "all": None}


def _filter(state: str, severity: str, phase: str, q: str, page_no: int) -> IncidentFilter:
    return IncidentFilter(
        open=STATES.get(state),
        severity=Severity(severity) if severity in Severity.__members__ else None,
        phase=Phase(phase) if phase in {p.value for p in Phase} else None,
        search=q.strip(),
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )


@router.get("/incidents")
def incident_list(
    request: Request,
    *,
    session: Session,
    state: Annotated[str, Query(max_length=10)] = "open",
    severity: Annotated[str, Query(max_length=5)] = "",
    phase: Annotated[str, Query(max_length=20)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    svc = services_of(request)
    query = _filter(state, severity, phase, q, page_no)
    found = use_cases.list_incidents(svc, query, by=session.user.actor)
    now = container_of(request).clock.now()
    params: dict[str, Any] = {"state": state, "severity": severity, "phase": phase, "q": q}
    pages = max(1, -(-found.total // PAGE_SIZE))
    return page(
        request,
        "ui/incidents.html",
        session,
        nav="incidents",
        rows=[views.view(i, svc.plan, now) for i in found.items],
        total=found.total,
        page_no=page_no,
        pages=pages,
        params=params,
        page_url=lambda n: "/incidents?" + urlencode({**params, "page": n}),
        severities=list(Severity),
        phases=list(Phase),
    )


def _declare_form(request: Request, session: Session, status: int = 200, **values: Any) -> Response:
    form = {"title": "", "severity": "P1", "summary": "", "security": False, "error": "", **values}
    return page(
        request,
        "ui/declare.html",
        session,
        status=status,
        nav="declare",
        form=form,
        severities=list(Severity),
    )


@router.get("/incidents/new")
def declare_page(request: Request, session: Session) -> Response:
    return _declare_form(request, session)


@router.post("/incidents/new")
def declare(
    request: Request,
    session: FormSession,
    *,
    title: Annotated[str, Form(max_length=MAX_TITLE * 2)] = "",
    severity: Annotated[str, Form(max_length=5)] = "",
    summary: Annotated[str, Form(max_length=MAX_TEXT)] = "",
    security: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        incident = use_cases.declare_incident(
            services_of(request),
            title=title,
            severity=Severity.parse(severity),
            summary=summary,
            source="user report",
            security=bool(security),
            by=session.user.actor,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return _declare_form(
            request,
            session,
            422,
            title=title,
            severity=severity,
            summary=summary,
            security=bool(security),
            error=exc.detail,
        )
    done = f"Incident #{incident.id} declared: the response clock is running"
    if incident.security:
        done += "; a security incident, restricted to the security role and admins"
    return redirect(f"/incidents/{incident.id}", done)
