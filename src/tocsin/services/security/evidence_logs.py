"""'Preserve logs': the incident window's logs from Loki, kept in the evidence locker as one
newline-delimited JSON file (``logs_preserved`` in the custody log)."""

from __future__ import annotations

from tocsin.domain import evidence_logs as domain
from tocsin.domain.access import Actor
from tocsin.domain.errors import Conflict
from tocsin.domain.evidence import Action, Item, clean_text
from tocsin.domain.incident import IncidentId
from tocsin.services.security import evidence
from tocsin.services.security.context import SecurityContext

MAX_QUERY = 2000


def preserve_logs(svc: SecurityContext, incident_id: IncidentId, *, query: str = "", by: Actor) -> Item:
    """Read the window's logs page by page (at most ``max_bytes`` of them: the rest is left out
    and the description says so) and keep them as an item."""
    locker = evidence.locker_of(svc)
    if locker.loki is None:
        raise Conflict("no Loki configured: set security.evidence.loki_url to preserve logs")
    query = clean_text(query, "query", MAX_QUERY) or locker.loki_query
    with svc.read() as uow:
        incident = evidence.cleared_incident(uow, incident_id, by, "preserving logs", lock=False)
    start, end = domain.window(incident.detected_at, incident.resolved_at, svc.clock.now())
    cursor = domain.Cursor(domain.ns(start), domain.ns(end))
    receiver = locker.store.receive(locker.max_bytes)
    lines = size = pages = 0
    truncated = False
    try:
        while not cursor.done and not truncated and pages < locker.max_pages:
            page = locker.loki.query_range(query, cursor.start, cursor.end, locker.page_limit)
            pages += 1
            for line in cursor.take(page, locker.page_limit):
                data = line.ndjson()
                if size + len(data) > locker.max_bytes:
                    truncated = True
                    break
                receiver.write(data)
                size += len(data)
                lines += 1
        staged = receiver.finish()
    except BaseException:
        receiver.abort()
        raise
    cut = " (truncated at the size limit)" if truncated else ""
    cut = cut or (" (stopped after the maximum number of pages)" if not cursor.done else "")
    description = (
        f"Loki logs for {query} from {start:%Y-%m-%d %H:%M:%S} to {end:%Y-%m-%d %H:%M:%S} UTC: "
        f"{lines} lines in {pages} pages{cut}"
    )
    name = f"loki-incident-{incident.id}-{start:%Y%m%dT%H%M%S}-{end:%Y%m%dT%H%M%S}.ndjson"
    return evidence.add_file(
        svc,
        incident_id,
        staged,
        name=name,
        media_type="application/x-ndjson",
        description=description,
        action=Action.LOGS_PRESERVED,
        by=by,
    )
