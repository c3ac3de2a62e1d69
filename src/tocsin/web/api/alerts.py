"""``GET /api/v1/incidents/{id}/alerts``: the alerts grouped into an incident."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from tocsin.domain.alert import AlertStatus, StoredAlert
from tocsin.domain.errors import InvalidInput
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.services.intake.alerts import alert_page
from tocsin.services.intake.ports import AlertKey
from tocsin.web.api import API_PREFIX
from tocsin.web.auth import CurrentActor, current_actor
from tocsin.web.context import services_of
from tocsin.web.schemas import UtcDatetime

PAGE = 100  # alerts per page unless ``limit`` says otherwise
router = APIRouter(prefix=f"{API_PREFIX}/incidents", tags=["alerts"], dependencies=[Depends(current_actor)])


class AlertOut(BaseModel):
    fingerprint: str
    source: str
    group_key: str
    status: AlertStatus
    severity: Severity
    name: str
    summary: str
    labels: dict[str, str]
    annotations: dict[str, str]
    starts_at: UtcDatetime
    ends_at: UtcDatetime | None
    generator_url: str
    first_seen_at: UtcDatetime
    last_seen_at: UtcDatetime

    @classmethod
    def render(cls, alert: StoredAlert) -> AlertOut:
        return cls(
            fingerprint=alert.fingerprint,
            source=alert.source,
            group_key=alert.group_key,
            status=alert.status,
            severity=alert.severity,
            name=alert.name,
            summary=alert.summary,
            labels=dict(alert.labels),
            annotations=dict(alert.annotations),
            starts_at=alert.starts_at,
            ends_at=alert.ends_at,
            generator_url=alert.generator_url,
            first_seen_at=alert.first_seen_at,
            last_seen_at=alert.last_seen_at,
        )


@router.get("/{incident_id}/alerts", response_model=list[AlertOut])
def alerts(
    request: Request,
    *,
    incident_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    actor: CurrentActor,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many alerts")] = PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="skip this many")] = 0,
    cursor: Annotated[
        str | None,
        Query(max_length=200, description="the previous page's X-Next-Cursor: the page after it"),
    ] = None,
) -> list[AlertOut]:
    """The incident's alerts: firing first, then in the order they were first seen; a page of
    ``limit`` (100 unless given) from ``offset`` (or after ``cursor``), the total in
    ``X-Total-Count`` and, when the page is full, the next page's ``cursor`` in ``X-Next-Cursor``
    (and its address in ``Link: <…>; rel="next"``)."""
    after = None if cursor is None else decode_alert_cursor(cursor)
    found, counts = alert_page(
        services_of(request), IncidentId(incident_id), by=actor, limit=limit, offset=offset, after=after
    )
    response.headers["X-Total-Count"] = str(counts.total)
    if len(found) == limit and found[-1].id is not None:
        response.headers["X-Next-Cursor"] = next_cursor = encode_alert_cursor(found[-1])
        following = request.url.remove_query_params(["offset", "cursor"]).include_query_params(
            limit=limit, cursor=next_cursor
        )
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return [AlertOut.render(alert) for alert in found]


def encode_alert_cursor(alert: StoredAlert) -> str:
    key = f"{alert.status.value}|{alert.first_seen_at.astimezone(UTC).isoformat()}|{alert.id}"
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_alert_cursor(cursor: str) -> AlertKey:
    """``InvalidInput`` (422) naming the parameter unless ``cursor`` came from X-Next-Cursor."""
    try:
        status, seen, number = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        key = AlertKey(AlertStatus(status), datetime.fromisoformat(seen), int(number))
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor: not a cursor from a previous page's X-Next-Cursor") from None
    if key.first_seen_at.tzinfo is None:
        raise InvalidInput("cursor: not a cursor from a previous page's X-Next-Cursor")
    return key
