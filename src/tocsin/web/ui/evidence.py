"""The incident room's evidence locker (security incidents, ``security`` role and admins): the
items, upload and reference forms, the legal hold toggle, verify and export. Every form posts
back to the room (post/redirect/get); a refusal comes back as the room's message. Someone
without clearance gets the 404 page on every route here, as the API answers."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from tocsin.domain import restriction
from tocsin.domain.access import Role
from tocsin.domain.errors import DomainError, PermissionDenied
from tocsin.domain.incident import Incident, IncidentId
from tocsin.platform.i18n import gettext as _
from tocsin.services.security import evidence
from tocsin.services.security.evidence_logs import preserve_logs
from tocsin.services.security.evidence_ports import LogSourceError, Receiver, TooLarge
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.api.evidence import cleared, file_response
from tocsin.web.context import container_of, services_of
from tocsin.web.evidence_upload import receive_upload
from tocsin.web.ui.render import redirect
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import CSRF_FIELD, CsrfFailed, FormSession, Session

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)
upload_router = APIRouter(route_class=UiRoute, include_in_schema=False)  # reads its own body

IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
ItemPath = Annotated[int, Path(ge=1, le=2**62)]
Text = Annotated[str, Form(max_length=2000)]


def evidence_context(request: Request, session: Session, incident: Incident) -> dict[str, Any]:
    """``evidence``: the locker for the room, or ``None`` where it is not shown (not a security
    incident, or no clearance)."""
    role = session.user.role
    if not (incident.security and restriction.may_see(role, incident) and role.allows(Role.SECURITY)):
        return {"evidence": None}
    svc = services_of(request)
    if svc.evidence is None:
        return {"evidence": None}
    locker = evidence.view(svc, incident.id, by=session.user.actor)
    return {
        "evidence": locker,
        "evidence_max_bytes": svc.evidence.max_bytes,
        "evidence_loki": svc.evidence.loki is not None,
    }


def _room(incident_id: int) -> str:
    return f"/incidents/{incident_id}#evidence"


def _act(incident_id: int, command: Callable[[], str]) -> Response:
    try:
        done = command()
    except PermissionDenied:
        raise
    except LogSourceError as exc:
        return redirect(_room(incident_id), str(exc), error=True)
    except DomainError as exc:
        return redirect(_room(incident_id), exc.detail, error=True)
    return redirect(_room(incident_id), done)


@upload_router.post("/incidents/{incident_id}/evidence/files")
async def upload(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    svc, actor = services_of(request), session.user.actor
    actor.require(Role.RESPONDER, "changing anything")  # as every form (security.acting_session)
    await run_in_threadpool(cleared, request, incident_id, actor)
    try:
        await run_in_threadpool(evidence.check, svc, IncidentId(incident_id), by=actor)
    except (DomainError, LogSourceError) as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return redirect(_room(incident_id), str(exc), error=True)
    locker = evidence.locker_of(svc)

    def open_file(fields: Mapping[str, str]) -> Receiver:
        given = fields.get(CSRF_FIELD) or request.headers.get("x-csrf-token", "")
        if not given or not hmac.compare_digest(given, session.csrf_token):
            raise CsrfFailed()
        return locker.store.receive(locker.max_bytes)

    try:
        received = await receive_upload(request, open_file, locker.max_bytes)
    except TooLarge as exc:
        return redirect(_room(incident_id), str(exc), error=True)
    except DomainError as exc:
        return redirect(_room(incident_id), exc.detail, error=True)
    if not received.filename and received.staged.size == 0:
        received.staged.discard()
        return redirect(_room(incident_id), _("Choose a file to upload"), error=True)

    def command() -> str:
        item = evidence.add_file(
            svc,
            IncidentId(incident_id),
            received.staged,
            name=received.filename,
            media_type=received.content_type,
            description=received.fields.get("description", ""),
            by=actor,
        )
        return _("Evidence added: {name} (SHA-256 {digest}…)").format(name=item.name, digest=item.sha256[:16])

    return await run_in_threadpool(_act, incident_id, command)


@router.post("/incidents/{incident_id}/evidence/references")
def reference(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    *,
    reference: Text = "",
    label: Annotated[str, Form(max_length=200)] = "",
    description: Text = "",
) -> Response:
    cleared(request, incident_id, session.user.actor)

    def command() -> str:
        item = evidence.add_reference(
            services_of(request),
            IncidentId(incident_id),
            reference,
            label=label,
            description=description,
            by=session.user.actor,
        )
        return _("Reference added: {name}").format(name=item.name)

    return _act(incident_id, command)


@router.post("/incidents/{incident_id}/evidence/hold")
def hold(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    state: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    cleared(request, incident_id, session.user.actor)

    def command() -> str:
        on = evidence.parse_hold(state)
        evidence.set_hold(services_of(request), IncidentId(incident_id), on, by=session.user.actor)
        return _("Legal hold on: nothing can be deleted") if on else _("Legal hold lifted")

    return _act(incident_id, command)


@router.post("/incidents/{incident_id}/evidence/{item_id}/delete")
def delete(
    request: Request, session: FormSession, incident_id: IncidentPath, item_id: ItemPath, note: Text = ""
) -> Response:
    cleared(request, incident_id, session.user.actor)

    def command() -> str:
        item = evidence.delete(
            services_of(request), IncidentId(incident_id), item_id, note=note, by=session.user.actor
        )
        return _("Evidence deleted: {name} (the custody log keeps its trace)").format(name=item.name)

    return _act(incident_id, command)


@router.post("/incidents/{incident_id}/evidence/preserve-logs")
def preserve(request: Request, session: FormSession, incident_id: IncidentPath) -> Response:
    cleared(request, incident_id, session.user.actor)

    def command() -> str:
        item = preserve_logs(services_of(request), IncidentId(incident_id), by=session.user.actor)
        return _("Logs preserved: {description}").format(description=item.description)

    return _act(incident_id, command)


@router.post("/incidents/{incident_id}/evidence/verify")
def verify(request: Request, session: FormSession, incident_id: IncidentPath) -> Response:
    cleared(request, incident_id, session.user.actor)
    result = evidence.verify(services_of(request), IncidentId(incident_id), by=session.user.actor)
    if result.ok:
        return redirect(
            _room(incident_id),
            _("Verified: {n} custody entries and every file intact").format(n=result.entries),
        )
    problems = ([str(result.broken)] if result.broken else []) + list(result.bad_files)
    return redirect(
        _room(incident_id),
        _("Verification failed: {problems}").format(problems="; ".join(problems)),
        error=True,
    )


@router.get("/incidents/{incident_id}/evidence/{item_id}/download")
def download(request: Request, session: Session, incident_id: IncidentPath, item_id: ItemPath) -> Response:
    cleared(request, incident_id, session.user.actor)
    item, stream = evidence.download(
        services_of(request), IncidentId(incident_id), item_id, by=session.user.actor
    )
    return file_response(stream, item.name, item.size)


@router.get("/incidents/{incident_id}/evidence/export")
def export(request: Request, session: Session, incident_id: IncidentPath) -> Response:
    cleared(request, incident_id, session.user.actor)
    archive = evidence.export(services_of(request), IncidentId(incident_id), by=session.user.actor)
    stamp = container_of(request).clock.now().strftime("%Y%m%dT%H%M%SZ")
    return file_response(archive, f"incident-{incident_id}-evidence-{stamp}.zip")
