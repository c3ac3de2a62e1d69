"""The GDPR breach in the UI: the room's card (a fragment htmx loads), the breach page with the
Art. 34 communication, the dossier downloads, and the register at ``/breaches``. Security data:
each route refuses, as a 404, whoever may not see the incident (``restriction.require_clearance``)
and the use cases require the security role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse

from tocsin.domain import restriction
from tocsin.domain.access import Actor
from tocsin.domain.breach import Risk
from tocsin.domain.errors import DomainError, NotFound, PermissionDenied
from tocsin.domain.incident import Incident, IncidentId
from tocsin.platform.i18n import gettext as _
from tocsin.services.incidents import incidents
from tocsin.services.security import breach_communication as communication
from tocsin.services.security import breaches as use_cases
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.api.breaches import STYLESHEET, csv_text
from tocsin.web.breach_html import dossier_html
from tocsin.web.context import services_of
from tocsin.web.ui.actions import IncidentPath
from tocsin.web.ui.breach_form import AssessmentForm, MessageForm, NoticeForm
from tocsin.web.ui.render import fragment, page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)


def _cleared(request: Request, actor: Actor, incident_id: int) -> Incident:
    incident = incidents.get_incident(services_of(request), IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)
    return incident


def _card_context(request: Request, session: Any, incident_id: int, back: str) -> dict[str, Any]:
    actor = session.user.actor
    _cleared(request, actor, incident_id)
    incident, view = use_cases.find_breach(services_of(request), IncidentId(incident_id), by=actor)
    return {"i": incident, "b": view, "back": back, "csrf": session.csrf_token}


@router.get("/incidents/{incident_id}/breach/card")
def card(request: Request, session: Session, incident_id: IncidentPath) -> HTMLResponse:
    return fragment(request, "ui/_breach_card.html", **_card_context(request, session, incident_id, "room"))


@router.get("/incidents/{incident_id}/breach")
def breach_page(request: Request, session: Session, incident_id: IncidentPath) -> HTMLResponse:
    context = _card_context(request, session, incident_id, "page")
    view = context["b"]
    comm = None
    if view is not None and view.breach.assessment.risk is Risk.HIGH:
        comm = communication.view(services_of(request), IncidentId(incident_id), by=session.user.actor)
    context.pop("csrf")
    return page(request, "ui/breach.html", session, nav="breaches", comm=comm, **context)


def _back(incident_id: int, back: str, done: str, command: Callable[[], object]) -> Response:
    url = f"/incidents/{incident_id}/breach" if back == "page" else f"/incidents/{incident_id}#breach"
    try:
        command()
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        return redirect(url, exc.detail, error=True)
    return redirect(url, done)


@router.post("/incidents/{incident_id}/breach")
def assess(
    request: Request, session: FormSession, incident_id: IncidentPath, form: Annotated[AssessmentForm, Form()]
) -> Response:
    actor = session.user.actor
    _cleared(request, actor, incident_id)

    def command() -> object:
        aware_at = form.aware()
        _found, current = use_cases.find_breach(services_of(request), IncidentId(incident_id), by=actor)
        if current and aware_at == current.breach.aware_at.replace(second=0, microsecond=0):
            aware_at = None  # the form shows minutes: an unchanged field keeps the seconds
        return use_cases.assess_breach(
            services_of(request),
            IncidentId(incident_id),
            form.assessment(),
            aware_at=aware_at,
            delay_reasons=form.delay_reasons,
            by=actor,
        )

    return _back(incident_id, form.back, _("Personal-data breach recorded"), command)


@router.post("/incidents/{incident_id}/breach/notifications")
def notify(
    request: Request, session: FormSession, incident_id: IncidentPath, form: Annotated[NoticeForm, Form()]
) -> Response:
    actor = session.user.actor
    _cleared(request, actor, incident_id)

    def command() -> object:
        return use_cases.record_notification(
            services_of(request),
            IncidentId(incident_id),
            kind=form.notice_kind(),
            at=form.when(),
            method=form.how(),
            reference=form.reference,
            note=form.note,
            delay_reasons=form.delay_reasons or None,
            by=actor,
        )

    return _back(incident_id, form.back, _("Notification recorded"), command)


@router.get("/incidents/{incident_id}/breach/dossier.md")
def dossier_md(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    _cleared(request, session.user.actor, incident_id)
    text = use_cases.dossier(services_of(request), IncidentId(incident_id), by=session.user.actor)
    return PlainTextResponse(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="breach-{incident_id}-dossier.md"'},
    )


@router.get("/incidents/{incident_id}/breach/dossier.html")
def dossier_page(request: Request, session: Session, incident_id: IncidentPath) -> HTMLResponse:
    _cleared(request, session.user.actor, incident_id)
    text = use_cases.dossier(services_of(request), IncidentId(incident_id), by=session.user.actor)
    title = f"Breach notification dossier — incident #{incident_id}"
    return HTMLResponse(dossier_html(text, title=title, stylesheet=STYLESHEET))


@router.post("/incidents/{incident_id}/breach/communication")
def save_message(
    request: Request, session: FormSession, incident_id: IncidentPath, form: Annotated[MessageForm, Form()]
) -> Response:
    actor = session.user.actor
    _cleared(request, actor, incident_id)
    svc, iid = services_of(request), IncidentId(incident_id)
    return _back(
        incident_id,
        "page",
        _("Message saved"),
        lambda: communication.save_message(svc, iid, subject=form.subject, body=form.body, by=actor),
    )


@router.post("/incidents/{incident_id}/breach/communication/recipients")
def upload(request: Request, session: FormSession, incident_id: IncidentPath, file: UploadFile) -> Response:
    actor = session.user.actor
    _cleared(request, actor, incident_id)
    url = f"/incidents/{incident_id}/breach"
    try:
        text = file.file.read(MAX_BODY_BYTES + 1).decode("utf-8")
    except UnicodeDecodeError as exc:
        return redirect(url, f"csv: not UTF-8 text (byte {exc.start})", error=True)
    try:
        in_file, added = communication.upload(services_of(request), IncidentId(incident_id), text, by=actor)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        return redirect(url, exc.detail, error=True)
    return redirect(
        url, _("{in_file} address(es) in the file, {added} new").format(in_file=in_file, added=added)
    )


@router.post("/incidents/{incident_id}/breach/communication/send")
def send(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    retry_failed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    actor = session.user.actor
    _cleared(request, actor, incident_id)
    svc, iid = services_of(request), IncidentId(incident_id)
    return _back(
        incident_id,
        "page",
        _("The mails are being sent"),
        lambda: communication.send(svc, iid, by=actor, retry_failed=bool(retry_failed)),
    )


@router.get("/breaches")
def register(request: Request, session: Session) -> HTMLResponse:
    rows = use_cases.register(services_of(request), by=session.user.actor)
    return page(request, "ui/breaches.html", session, nav="breaches", rows=rows)


@router.get("/breaches.csv")
def register_csv(request: Request, session: Session) -> Response:
    columns, rows = use_cases.register_rows(services_of(request), by=session.user.actor)
    return Response(
        csv_text(columns, rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="breach-register.csv"'},
    )
