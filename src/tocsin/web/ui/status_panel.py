"""The incident room's "Status updates" panel: the prepared draft (P0/P1) with a publish button,
the posted updates as the public page shows them, and a form to post the next one. Posting goes
through the same use case as ``POST /api/v1/incidents/{id}/status-updates``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response

from tocsin.domain.errors import DomainError, InvalidInput, PermissionDenied
from tocsin.domain.incident import IncidentId
from tocsin.domain.statuspage import MAX_BODY, UpdateStatus
from tocsin.platform.i18n import gettext as _
from tocsin.services.statuspage import statuspage
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.render import redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


def panel_context(request: Request, session: Session, incident_id: int) -> dict[str, Any]:
    svc = services_of(request)
    public = statuspage.public_status(svc, IncidentId(incident_id), by=session.user.actor)
    return {
        "public": public,
        "components": svc.statuspage.components,
        "update_statuses": list(UpdateStatus),
        "max_body": MAX_BODY,
    }


@router.post("/incidents/{incident_id}/status-updates")
def post_update(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    *,
    status: Annotated[str, Form(max_length=20)] = "",
    message: Annotated[str, Form(max_length=MAX_BODY)] = "",
    component: Annotated[list[str] | None, Form(max_length=64)] = None,
) -> Response:
    room = f"/incidents/{incident_id}#status-updates"
    try:
        try:
            parsed = UpdateStatus(status)
        except ValueError:
            raise InvalidInput(f"status: unknown {status!r}") from None
        posted = statuspage.post_status_update(
            services_of(request),
            IncidentId(incident_id),
            status=parsed,
            message=message or None,
            components=component or None,
            by=session.user.actor,
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        return redirect(room, exc.detail, error=True)
    cache = getattr(request.app.state, "statuspage_cache", None)
    if cache is not None:
        cache.invalidate()
    return redirect(
        room, _("Status page updated: {status}").format(status=_(posted.updates[-1].status.label))
    )
