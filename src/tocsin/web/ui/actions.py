"""The incident room's buttons and forms. Each one calls one use case with the signed-in user as
the actor (the service checks the role), then redirects back to the room (post/redirect/get).

A refused command (wrong phase, bad input) comes back as a message on the room; a role that may
not act gets the 403 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request, Response

from tocsin.domain.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from tocsin.domain.incident import MAX_TEXT, Impact, Incident, IncidentId
from tocsin.domain.note import NoteKind
from tocsin.domain.security_steps import MAX_OWNER, StepState
from tocsin.domain.severity import Severity
from tocsin.platform.i18n import gettext as _
from tocsin.services.incidents import checklist, flags
from tocsin.services.incidents import incidents as use_cases
from tocsin.services.paging import escalation
from tocsin.services.security import procedure as security_procedure
from tocsin.web.api import MAX_BODY_BYTES
from tocsin.web.context import services_of
from tocsin.web.ui.render import fragment, redirect
from tocsin.web.ui.room import timeline_context
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import FormSession

router = APIRouter(route_class=UiRoute, include_in_schema=False, max_body_size=MAX_BODY_BYTES)

IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Text = Annotated[str, Form(max_length=MAX_TEXT)]
Checkbox = Annotated[str, Form(max_length=10)]


def _act(incident_id: int, done: str, command: Callable[[], object]) -> Response:
    room = f"/incidents/{incident_id}"
    try:
        command()
    except (PermissionDenied, NotFound):
        raise  # 403/404 pages: a restricted incident's room is not there for this reader
    except DomainError as exc:
        return redirect(room, exc.detail, error=True)
    return redirect(room, done)


@router.post("/incidents/{incident_id}/acknowledge")
def acknowledge(request: Request, session: FormSession, incident_id: IncidentPath) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id,
        _("Acknowledged: the response clock is stopped"),
        lambda: use_cases.acknowledge_incident(svc, iid, by=actor),
    )


@router.post("/incidents/{incident_id}/escalate")
def escalate(request: Request, session: FormSession, incident_id: IncidentPath) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id,
        _("Escalated: the next step of the policy was paged"),
        lambda: escalation.escalate_incident(svc, iid, by=actor),
    )


@router.post("/incidents/{incident_id}/severity")
def change_severity(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    severity: Annotated[str, Form(max_length=5)] = "",
    reason: Text = "",
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)

    def command() -> Incident:
        return use_cases.update_incident(svc, iid, severity=Severity.parse(severity), reason=reason, by=actor)

    return _act(incident_id, _("Severity changed to {severity}").format(severity=severity.upper()), command)


def _labels(text: str) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys(part.strip()[:200] for part in text.replace("\n", ",").split(",") if part.strip())
    )


def _count(text: str) -> int | None:
    """A number, or "unknown" (``None``); an empty answer is refused: triage needs one."""
    cleaned = text.strip().replace(" ", "").replace(",", "")
    if cleaned.lower() in ("unknown", "?", "inconnu"):
        return None
    if not cleaned:
        raise InvalidInput("users affected: give a number, or write “unknown”")
    if not cleaned.isdigit() or len(cleaned) > 12:
        raise InvalidInput("users affected: a whole number, e.g. 1200, or “unknown”")
    return int(cleaned)


@router.post("/incidents/{incident_id}/impact")
def assess_impact(
    request: Request,
    *,
    session: FormSession,
    incident_id: IncidentPath,
    users_affected: Annotated[str, Form(max_length=20)] = "",
    features_down: Text = "",
    components_down: Text = "",
    security_risk: Checkbox = "",
    data_risk: Checkbox = "",
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)

    def command() -> Incident:
        impact = Impact(
            users_affected=_count(users_affected),
            features_down=_labels(features_down),
            components_down=_labels(components_down),
            security_risk=bool(security_risk),
            data_risk=bool(data_risk),
        )
        return use_cases.assess_impact(svc, iid, impact, by=actor)

    return _act(incident_id, _("Impact recorded"), command)


@router.post("/incidents/{incident_id}/notes")
def add_note(
    request: Request,
    session: FormSession,
    incident_id: IncidentPath,
    text: Text = "",
    kind: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    note_kind = NoteKind(kind) if kind in NoteKind.__members__.values() else None
    if not request.headers.get("hx-request"):
        return _act(
            incident_id, _("Note added"), lambda: use_cases.add_note(svc, iid, text, kind=note_kind, by=actor)
        )
    error = ""
    try:
        use_cases.add_note(svc, iid, text, kind=note_kind, by=actor)
    except PermissionDenied:
        raise
    except DomainError as exc:
        error = exc.detail
    context = timeline_context(request, session, incident_id, [])
    return fragment(
        request,
        "ui/_timeline_panel.html",
        csrf=session.csrf_token,
        user=session.user,
        note_error=error,
        note_text=text if error else "",
        **context,
    )


@router.post("/incidents/{incident_id}/resolve")
def resolve(
    request: Request, session: FormSession, incident_id: IncidentPath, summary: Text = ""
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id,
        _("Resolved: post-incident phase"),
        lambda: use_cases.resolve_incident(svc, iid, summary=summary, by=actor),
    )


@router.post("/incidents/{incident_id}/reopen")
def reopen(request: Request, session: FormSession, incident_id: IncidentPath, reason: Text = "") -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id, _("Reopened"), lambda: use_cases.reopen_incident(svc, iid, reason=reason, by=actor)
    )


@router.post("/incidents/{incident_id}/close")
def close(request: Request, session: FormSession, incident_id: IncidentPath) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(incident_id, _("Closed"), lambda: use_cases.close_incident(svc, iid, by=actor))


@router.post("/incidents/{incident_id}/security")
def mark_security(
    request: Request, session: FormSession, incident_id: IncidentPath, reason: Text = ""
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id,
        _("Marked as a security incident"),
        lambda: flags.mark_security_incident(svc, iid, reason=reason, by=actor),
    )


@router.post("/incidents/{incident_id}/security/lift")
def unmark_security(
    request: Request, session: FormSession, incident_id: IncidentPath, reason: Text = ""
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    return _act(
        incident_id,
        _("No longer a security incident: its details are visible to every reader"),
        lambda: flags.unmark_security_incident(svc, iid, reason=reason, by=actor),
    )


@router.post("/incidents/{incident_id}/checklist/{item}")
def tick(
    request: Request,
    *,
    session: FormSession,
    incident_id: IncidentPath,
    item: Annotated[str, Path(max_length=20)],
    done: Checkbox = "1",
    note: Text = "",
) -> Response:
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    ticked = done != "0"
    return _act(
        incident_id,
        f"{'Checked' if ticked else 'Unchecked'} {item}",
        lambda: checklist.tick_item(svc, iid, item, done=ticked, note=note, by=actor),
    )


@router.post("/incidents/{incident_id}/security/steps/{step}")
def security_step(
    request: Request,
    *,
    session: FormSession,
    incident_id: IncidentPath,
    step: Annotated[int, Path(ge=1, le=5)],
    state: Annotated[str, Form(max_length=20)] = "",
    owner: Annotated[str, Form(max_length=MAX_OWNER)] = "",
    note: Text = "",
) -> Response:
    """One step of the security procedure: its state, owner and a note, in one submit."""
    svc, actor, iid = services_of(request), session.user.actor, IncidentId(incident_id)
    try:
        parsed = StepState(state) if state else None
    except ValueError:
        return redirect(f"/incidents/{incident_id}#security", f"state: unknown {state[:20]!r}", error=True)
    return _act(
        incident_id,
        _("Security step {step} recorded").format(step=step),
        lambda: security_procedure.update_step(
            svc, iid, step, state=parsed, owner=owner, note=note, by=actor
        ),
    )
