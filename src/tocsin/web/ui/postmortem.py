"""The post-mortem page of an incident: the document as a form, the curated timeline, the
buttons that start, complete, reopen or (admins) waive it, and the report download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, StringConstraints

from tocsin.domain.errors import DomainError, PermissionDenied
from tocsin.domain.incident import IncidentId
from tocsin.platform.i18n import gettext as _
from tocsin.services.incidents import postmortem as use_cases
from tocsin.services.incidents.postmortem_edit import Edit
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import container_of, services_of
from tocsin.web.ui.actions import IncidentPath
from tocsin.web.ui.postmortem_form import action_lines, parse, runbook_lines, timeline_edits, why_lines
from tocsin.web.ui.render import page, redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)
Field = Annotated[str, StringConstraints(max_length=20_000)]


@router.get("/incidents/{incident_id}/postmortem")
def postmortem_page(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    current = use_cases.view(services_of(request), IncidentId(incident_id), by=session.user.actor)
    pm = current.postmortem
    return page(
        request,
        "ui/postmortem.html",
        session,
        nav="incidents",
        i=current.incident,
        pm=pm,
        required=current.required,
        entries=current.timeline,
        overdue=pm is not None and pm.overdue(container_of(request).clock.now()),
        lines={
            "action_items": action_lines(pm.action_items) if pm else "",
            "whys": why_lines(pm.whys) if pm else "",
            "runbooks": runbook_lines(pm.runbooks) if pm else "",
            "why_actions": ", ".join(str(i) for i in pm.why_actions) if pm else "",
        },
    )


def _back(incident_id: int, done: str, command: object) -> Response:
    url = f"/incidents/{incident_id}/postmortem"
    try:
        command()  # type: ignore[operator]
    except PermissionDenied:
        raise
    except DomainError as exc:
        return redirect(url, exc.detail, error=True)
    return redirect(url, done)


class DocumentForm(BaseModel):
    """The document's fields as the page posts them (each typed as lines, parsed by ``parse``)."""

    owner: Field = ""
    summary: Field = ""
    impact: Field = ""
    root_cause: Field = ""
    whys: Field = ""
    why_actions: Field = ""
    action_items: Field = ""
    runbooks: Field = ""
    meeting_at: Field = ""
    attendees: Field = ""


class TimelineForm(BaseModel):
    """``key`` and ``text`` repeat once per entry, in the same order; ``hide`` names entries."""

    key: list[Annotated[str, StringConstraints(max_length=40)]] = []
    text: list[Annotated[str, StringConstraints(max_length=500)]] = []
    hide: list[Annotated[str, StringConstraints(max_length=40)]] = []
    add_at: Annotated[str, StringConstraints(max_length=40)] = ""
    add_text: Annotated[str, StringConstraints(max_length=500)] = ""


@router.post("/incidents/{incident_id}/postmortem")
def save(
    request: Request, session: FormSession, incident_id: IncidentPath, form: Annotated[DocumentForm, Form()]
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    values = form.model_dump()
    return _back(
        incident_id, _("Post-mortem saved"), lambda: use_cases.edit(svc, iid, parse(values), by=actor)
    )


@router.post("/incidents/{incident_id}/postmortem/timeline")
def save_timeline(
    request: Request, session: FormSession, incident_id: IncidentPath, form: Annotated[TimelineForm, Form()]
) -> Response:
    """Hide, reword (a text that differs from the automatic one) and add timeline entries."""
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    texts = dict(zip(form.key, form.text, strict=False))

    def command() -> object:
        current = use_cases.view(svc, iid, by=actor)
        if current.postmortem is None:
            return use_cases.start(svc, iid, by=actor)
        edits = timeline_edits(current, texts, set(form.hide), form.add_at, form.add_text)
        return use_cases.edit(svc, iid, Edit(timeline=edits), by=actor)

    return _back(incident_id, _("Timeline saved"), command)


@router.post("/incidents/{incident_id}/postmortem/{action}")
def act(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    action: str,
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    commands = {
        "start": (_("Post-mortem started"), lambda: use_cases.start(svc, iid, by=actor)),
        "complete": (_("Post-mortem complete"), lambda: use_cases.complete(svc, iid, by=actor)),
        "reopen": (_("Post-mortem reopened"), lambda: use_cases.reopen(svc, iid, by=actor)),
        "waive": (_("Post-mortem waived"), lambda: use_cases.waive(svc, iid, reason=reason, by=actor)),
    }
    if action not in commands:
        return redirect(f"/incidents/{incident_id}/postmortem", f"unknown action {action[:20]!r}", error=True)
    done, command = commands[action]
    return _back(incident_id, done, command)


@router.get("/incidents/{incident_id}/report.md")
def download_report(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    text = use_cases.report(services_of(request), IncidentId(incident_id), by=session.user.actor)
    return PlainTextResponse(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="incident-{incident_id}-report.md"'},
    )
