"""``/api/v1/incidents/{id}/postmortem`` and ``…/report.md``: the plan's Phase 4 over HTTP. Each
route calls one use case of ``services.incidents.postmortem``; roles and transactions are theirs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import postmortem as use_cases
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.api.postmortem_schemas import PostMortemOut, PostMortemPatch, WaiveRequest
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of, services_of
from tocsin.web.errors import PROBLEM_JSON
from tocsin.web.schemas import Problem

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
router = APIRouter(
    prefix=f"{API_PREFIX}/incidents",
    tags=["post-mortem"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)


def _out(request: Request, incident_id: int, actor: CurrentActor) -> PostMortemOut:
    current = use_cases.view(services_of(request), IncidentId(incident_id), by=actor)
    return PostMortemOut.render(current, container_of(request).clock.now())


@router.get("/{incident_id}/postmortem", response_model=PostMortemOut)
def get_postmortem(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> PostMortemOut:
    """The post-mortem (``status: none`` before one exists) and the curated timeline."""
    return _out(request, incident_id, actor)


@router.post("/{incident_id}/postmortem", status_code=201, response_model=PostMortemOut)
def start_postmortem(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> PostMortemOut:
    """Start a post-mortem the plan does not require (P2/P3); a P0/P1 gets one on resolution."""
    use_cases.start(services_of(request), IncidentId(incident_id), by=actor)
    return _out(request, incident_id, actor)


@router.patch("/{incident_id}/postmortem", response_model=PostMortemOut)
def edit_postmortem(
    request: Request, incident_id: IncidentPath, body: PostMortemPatch, actor: CurrentActor
) -> PostMortemOut:
    """Edit the draft: fields left out stay as they are; a list given replaces the whole list."""
    use_cases.edit(services_of(request), IncidentId(incident_id), body.to_edit(), by=actor)
    return _out(request, incident_id, actor)


@router.post("/{incident_id}/postmortem/complete", response_model=PostMortemOut)
def complete_postmortem(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> PostMortemOut:
    """Needs a root cause, an action item and a 5 Whys chain whose last step names one (422
    saying which is missing). Posts the report on the GitHub issue when there is one."""
    use_cases.complete(services_of(request), IncidentId(incident_id), by=actor)
    return _out(request, incident_id, actor)


@router.post("/{incident_id}/postmortem/reopen", response_model=PostMortemOut)
def reopen_postmortem(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> PostMortemOut:
    use_cases.reopen(services_of(request), IncidentId(incident_id), by=actor)
    return _out(request, incident_id, actor)


@router.post("/{incident_id}/postmortem/waive", response_model=PostMortemOut)
def waive_postmortem(
    request: Request, incident_id: IncidentPath, body: WaiveRequest, actor: CurrentActor
) -> PostMortemOut:
    """Admins only: close without a post-mortem; the reason goes on the timeline."""
    use_cases.waive(services_of(request), IncidentId(incident_id), reason=body.reason, by=actor)
    return _out(request, incident_id, actor)


@router.get(
    "/{incident_id}/report.md",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/markdown": {}}, "description": "the Incident Report"}},
)
def incident_report(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> PlainTextResponse:
    """The Incident Report in the plan's template (Markdown), as it stands now."""
    text = use_cases.report(services_of(request), IncidentId(incident_id), by=actor)
    return PlainTextResponse(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="incident-{incident_id}-report.md"'},
    )
