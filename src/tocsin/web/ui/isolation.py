"""The room's "Isolation" card and its confirmation page.

The card (``_isolation.html``, security incidents, ``security`` role) lists each configured
action with its state and a parameter form. The form opens a second page that shows exactly
what will be sent (method, URL, header names, body; never the header values) with one button
that sends it (a CSRF-protected POST); the room then shows the outcome, which the timeline
records. Nothing is retried on its own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request, Response

from tocsin.domain import restriction
from tocsin.domain.access import Role
from tocsin.domain.errors import DomainError, InvalidInput, PermissionDenied
from tocsin.domain.incident import IncidentId
from tocsin.domain.isolation import MAX_PARAM
from tocsin.services.incidents import incidents
from tocsin.services.security import isolation
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
ActionPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
PARAM = "param."
MAX_PARAMS = 20


def isolation_context(request: Request, session: Session, incident_id: int) -> dict[str, Any]:
    """The card's data: ``None`` unless the incident is a security one and the user may act."""
    svc, actor = services_of(request), session.user.actor
    incident = incidents.get_incident(svc, IncidentId(incident_id), by=actor)
    if (
        not incident.security
        or not actor.role.allows(Role.SECURITY)
        or not restriction.may_see(actor.role, incident)
    ):
        return {"isolation": None}
    return {"isolation": isolation.overview(svc, IncidentId(incident_id), by=actor).states}


def _from_query(request: Request) -> dict[str, str]:
    found = {k.removeprefix(PARAM): v for k, v in request.query_params.items() if k.startswith(PARAM) and v}
    if len(found) > MAX_PARAMS or any(len(v) > MAX_PARAM for v in found.values()):
        raise InvalidInput(f"at most {MAX_PARAMS} parameters of {MAX_PARAM} characters")
    return found


def _from_form(items: list[str]) -> dict[str, str]:
    pairs = [item.partition("=") for item in items[:MAX_PARAMS]]
    return {name: value for name, _, value in pairs if name}


def _room(incident_id: int) -> str:
    return f"/incidents/{incident_id}#isolation"


@router.get("/incidents/{incident_id}/isolation/{action}/confirm")
def confirm_page(
    request: Request,
    session: Session,
    incident_id: IncidentPath,
    action: ActionPath,
    undo: Annotated[int, Query(ge=0, le=1)] = 0,
) -> Response:
    """What will be sent, and the one button that sends it."""
    svc, actor = services_of(request), session.user.actor
    incident = incidents.get_incident(svc, IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)
    try:
        prepared = isolation.prepare(
            svc, IncidentId(incident_id), action, by=actor, params=_from_query(request), undo=bool(undo)
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return redirect(_room(incident_id), exc.detail, error=True)
    return page(request, "ui/isolation_confirm.html", session, nav="incidents", p=prepared, undo=bool(undo))


@router.post("/incidents/{incident_id}/isolation/{action}")
def run(
    request: Request,
    *,
    session: FormSession,
    incident_id: IncidentPath,
    action: ActionPath,
    param: Annotated[list[str], Form(max_length=MAX_PARAMS)] = [],  # noqa: B006 - FastAPI copies it
    undo: Annotated[str, Form(max_length=1)] = "",
    confirm: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    svc, actor = services_of(request), session.user.actor
    incident = incidents.get_incident(svc, IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)
    try:
        attempt = isolation.run(
            svc,
            IncidentId(incident_id),
            action,
            by=actor,
            params=_from_form(param),
            confirm=confirm == "1",
            undo=undo == "1",
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return redirect(_room(incident_id), exc.detail, error=True)
    if attempt.ok:
        return redirect(_room(incident_id), attempt.text)
    return redirect(_room(incident_id), f"{attempt.text}. Not retried: send it again to retry.", error=True)
