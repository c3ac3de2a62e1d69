"""The incident room's Alerts card: firing then resolved alerts with their labels, times and
links (source, runbook, dashboard), a page at a time for big groups, polled by htmx."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from tocsin.domain.alert import AlertCounts, StoredAlert
from tocsin.domain.diagnostics import alert_links
from tocsin.domain.incident import IncidentId
from tocsin.services.intake.alerts import alert_page
from tocsin.web.context import services_of
from tocsin.web.ui.render import fragment
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import Session

router = APIRouter(route_class=UiRoute, include_in_schema=False)
IncidentPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
PER_PAGE = 20
HIDDEN_LABELS = frozenset({"alertname", "severity"})  # shown as the row's name and badge


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in sorted(labels.items()) if k not in HIDDEN_LABELS}


def alerts_context(request: Request, session: Session, incident_id: int, page: int = 1) -> dict[str, Any]:
    offset = (page - 1) * PER_PAGE
    found, counts = alert_page(
        services_of(request), IncidentId(incident_id), by=session.user.actor, limit=PER_PAGE, offset=offset
    )
    return alerts_view(found, counts, page)


def alerts_view(found: Sequence[StoredAlert], counts: AlertCounts, page: int = 1) -> dict[str, Any]:
    """The card's context for ``found``, the page's alerts (at most ``PER_PAGE``)."""
    pages = max(1, -(-counts.total // PER_PAGE))
    return {
        "alerts": [(a, alert_links(a), _labels(a.labels)) for a in found],
        "alert_counts": counts,
        "alert_page": min(page, pages),
        "alert_pages": pages,
    }


@router.get("/incidents/{incident_id}/alerts")
def alerts(
    request: Request,
    session: Session,
    incident_id: IncidentPath,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    context = alerts_context(request, session, incident_id, page)
    return fragment(request, "ui/_alerts.html", incident_id=incident_id, **context)
