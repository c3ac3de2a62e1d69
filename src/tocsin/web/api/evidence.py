"""``/api/v1/incidents/{id}/evidence``: the forensics evidence locker of a security incident.

For the ``security`` role and admins: everyone else gets 404 on a security incident (as if the
locker were not there); a locker on an incident not marked as a security incident is a 409.
Files are never served inline: always an attachment, ``application/octet-stream``, ``nosniff``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, BinaryIO
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from tocsin.domain import restriction
from tocsin.domain.access import Actor
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import incidents as incident_cases
from tocsin.services.security import evidence
from tocsin.services.security.evidence_logs import preserve_logs
from tocsin.services.security.evidence_ports import LogSourceError, Receiver, TooLarge, chunks
from tocsin.web.api import API_PREFIX, MAX_BODY_BYTES
from tocsin.web.api.evidence_schemas import (
    BreakOut,
    EntryOut,
    HoldIn,
    ItemOut,
    LockerOut,
    PreserveIn,
    ReferenceIn,
    VerifyOut,
)
from tocsin.web.api.incidents import IncidentPath
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import container_of, services_of
from tocsin.web.errors import PROBLEM_JSON, problem
from tocsin.web.evidence_upload import receive_upload
from tocsin.web.schemas import Problem

_PROBLEM: dict[str, Any] = {
    "description": "A problem (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": Problem.model_json_schema()}},
}
PREFIX = f"{API_PREFIX}/incidents/{{incident_id}}/evidence"
UPLOAD_PATH = r"^(/api/v1)?/incidents/\d+/evidence/files$"
"""The upload routes (API and UI) read their body themselves, up to ``security.evidence.max_bytes``."""
router = APIRouter(
    tags=["evidence"],
    dependencies=[Depends(current_actor)],
    responses={code: _PROBLEM for code in (401, 403, 404, 409, 413, 422)},
    max_body_size=MAX_BODY_BYTES,
)
upload_router = APIRouter(tags=["evidence"], dependencies=[Depends(current_actor)])
ItemPath = Annotated[int, Path(ge=1, le=2**62)]
ATTACHMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def cleared(request: Request, incident_id: int, actor: Actor) -> None:
    """404 for whoever may not see this incident's details, before anything else."""
    incident = incident_cases.get_incident(services_of(request), IncidentId(incident_id), by=actor)
    restriction.require_clearance(actor, incident)


def attachment(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the UTF-8 one (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'evidence'}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(stream: BinaryIO, filename: str, size: int | None = None) -> StreamingResponse:
    headers = {**ATTACHMENT_HEADERS, "Content-Disposition": attachment(filename)}
    if size is not None:
        headers["Content-Length"] = str(size)
    body: Iterator[bytes] = chunks(stream)
    return StreamingResponse(body, media_type="application/octet-stream", headers=headers)


@router.get(PREFIX, response_model=LockerOut)
def list_evidence(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> LockerOut:
    cleared(request, incident_id, actor)
    locker = evidence.view(services_of(request), IncidentId(incident_id), by=actor)
    return LockerOut(
        held=locker.held, custody_entries=locker.entries, items=[ItemOut.of(i) for i in locker.items]
    )


def _receiver(request: Request) -> Receiver:
    locker = evidence.locker_of(services_of(request))
    return locker.store.receive(locker.max_bytes)


@upload_router.post(PREFIX + "/files", status_code=201, response_model=ItemOut)
async def upload_evidence(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> Response:
    """Multipart: a ``file`` (up to ``security.evidence.max_bytes``, else 413 with nothing
    kept) and an optional ``description``. Stored under its SHA-256; the name is metadata."""
    svc = services_of(request)
    await run_in_threadpool(cleared, request, incident_id, actor)
    await run_in_threadpool(evidence.check, svc, IncidentId(incident_id), by=actor)
    limit = evidence.locker_of(svc).max_bytes
    try:
        upload = await receive_upload(request, lambda _fields: _receiver(request), limit)
    except TooLarge as exc:
        return problem(413, str(exc))
    item = await run_in_threadpool(
        lambda: evidence.add_file(
            svc,
            IncidentId(incident_id),
            upload.staged,
            name=upload.filename,
            media_type=upload.content_type,
            description=upload.fields.get("description", ""),
            by=actor,
        )
    )
    return JSONResponse(ItemOut.of(item).model_dump(), status_code=201)


@router.post(PREFIX + "/references", status_code=201, response_model=ItemOut)
def add_reference(
    request: Request, incident_id: IncidentPath, body: ReferenceIn, actor: CurrentActor
) -> ItemOut:
    """Evidence kept elsewhere: a disk snapshot id, a URL. Its text is hashed into the log."""
    cleared(request, incident_id, actor)
    item = evidence.add_reference(
        services_of(request),
        IncidentId(incident_id),
        body.reference,
        label=body.label,
        description=body.description,
        by=actor,
    )
    return ItemOut.of(item)


@router.get(
    PREFIX + "/{item_id}/download",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, as stored"}},
)
def download_evidence(
    request: Request, incident_id: IncidentPath, item_id: ItemPath, actor: CurrentActor
) -> StreamingResponse:
    """The file as an attachment; the download is recorded in the custody log."""
    cleared(request, incident_id, actor)
    item, stream = evidence.download(services_of(request), IncidentId(incident_id), item_id, by=actor)
    return file_response(stream, item.name, item.size)


@router.delete(PREFIX + "/{item_id}", response_model=ItemOut)
def delete_evidence(
    request: Request, incident_id: IncidentPath, item_id: ItemPath, actor: CurrentActor, note: str = ""
) -> ItemOut:
    """409 while the locker is under legal hold."""
    cleared(request, incident_id, actor)
    return ItemOut.of(
        evidence.delete(services_of(request), IncidentId(incident_id), item_id, note=note, by=actor)
    )


@router.put(PREFIX + "/hold", response_model=LockerOut)
def hold_evidence(
    request: Request, incident_id: IncidentPath, body: HoldIn, actor: CurrentActor
) -> LockerOut:
    """Legal hold on (nothing can be deleted) or off."""
    cleared(request, incident_id, actor)
    evidence.set_hold(services_of(request), IncidentId(incident_id), body.on, note=body.note, by=actor)
    return list_evidence(request, incident_id, actor)


@router.get(PREFIX + "/custody", response_model=list[EntryOut])
def custody_log(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> list[EntryOut]:
    cleared(request, incident_id, actor)
    return [EntryOut.of(e) for e in evidence.custody(services_of(request), IncidentId(incident_id), by=actor)]


@router.get(PREFIX + "/verify", response_model=VerifyOut)
def verify_evidence(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> VerifyOut:
    """Re-checks the custody chain (the first bad entry) and every stored file's hash."""
    cleared(request, incident_id, actor)
    result = evidence.verify(services_of(request), IncidentId(incident_id), by=actor)
    broken = BreakOut(seq=result.broken.seq, problem=result.broken.problem) if result.broken else None
    return VerifyOut(
        ok=result.ok, entries=result.entries, first_bad_entry=broken, bad_files=list(result.bad_files)
    )


@router.get(
    PREFIX + "/export",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/zip": {}}, "description": "files, manifest.json, MANIFEST.sha256"}
    },
)
def export_evidence(request: Request, incident_id: IncidentPath, actor: CurrentActor) -> StreamingResponse:
    """A zip: ``files/…``, ``manifest.json``, ``custody.json`` and ``MANIFEST.sha256``."""
    cleared(request, incident_id, actor)
    archive = evidence.export(services_of(request), IncidentId(incident_id), by=actor)
    stamp = container_of(request).clock.now().strftime("%Y%m%dT%H%M%SZ")
    return file_response(archive, f"incident-{incident_id}-evidence-{stamp}.zip")


@router.post(PREFIX + "/preserve-logs", status_code=201, response_model=ItemOut)
def preserve_evidence_logs(
    request: Request, incident_id: IncidentPath, body: PreserveIn, actor: CurrentActor
) -> Response:
    """The incident window's logs from Loki (``security.evidence.loki_url``) as an NDJSON item;
    502 when Loki fails."""
    cleared(request, incident_id, actor)
    try:
        item = preserve_logs(services_of(request), IncidentId(incident_id), query=body.query, by=actor)
    except LogSourceError as exc:
        return problem(502, str(exc))
    return JSONResponse(ItemOut.of(item).model_dump(), status_code=201)
