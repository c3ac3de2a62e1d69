"""``/reports``: MTTA, MTTR and acknowledgement in time per severity over a period, as charts
and tables, and every incident's plan-compliance score; the CSV is the API's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from tocsin.domain.compliance import SeverityFigures
from tocsin.domain.duration import format_duration
from tocsin.domain.errors import InvalidInput
from tocsin.platform.i18n import gettext as _
from tocsin.services.incidents import compliance
from tocsin.web.context import container_of, services_of
from tocsin.web.ui.charts import Bar, bars
from tocsin.web.ui.render import page
from tocsin.web.ui.route import UiRoute
from tocsin.web.ui.security import Session

router = APIRouter(route_class=UiRoute, include_in_schema=False)
Day = Annotated[str, Query(max_length=10, alias="from")]
DayTo = Annotated[str, Query(max_length=10, alias="to")]


def _day(value: str, name: str, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{name}: {value!r} is not a date (write YYYY-MM-DD)") from None


def _seconds(value: float | None) -> str:
    return format_duration(timedelta(seconds=round(value))) if value is not None else "—"


def _charts(figures: list[SeverityFigures]) -> dict[str, Any]:
    def series(attr: str) -> list[Bar]:
        return [
            Bar(
                f.severity.value,
                getattr(f, attr),
                _seconds(getattr(f, attr)),
                f"sev-{f.severity.value.lower()}",
            )
            for f in figures
        ]

    in_time = [
        Bar(
            f.severity.value,
            None if f.in_time_share is None else 100 * f.in_time_share,
            "—" if f.in_time_share is None else f"{100 * f.in_time_share:.0f} %",
            f"sev-{f.severity.value.lower()}",
        )
        for f in figures
    ]
    return {
        "mtta": bars(_("Mean time to acknowledge by severity"), series("mtta_seconds")),
        "mttr": bars(_("Mean time to resolve by severity"), series("mttr_seconds")),
        "in_time": bars(_("Acknowledged within the response time (%)"), in_time, limit=100.0),
    }


@router.get("/reports")
def reports(request: Request, session: Session, start: Day = "", end: DayTo = "") -> Response:
    today = container_of(request).clock.now().date()
    error = ""
    try:
        first = _day(start, "from", today - timedelta(days=30))
        last = _day(end, "to", today)
        if last < first:
            raise InvalidInput(f"to: {last.isoformat()} is before from ({first.isoformat()})")
        if last - first > timedelta(days=365):
            raise InvalidInput("to: a period of at most 366 days")
    except InvalidInput as exc:
        error = exc.detail
        first, last = today - timedelta(days=30), today
    report = compliance.period_report(
        services_of(request),
        start=datetime.combine(first, time(), UTC),
        end=datetime.combine(last + timedelta(days=1), time(), UTC),
        by=session.user.actor,
    )
    figures = list(report.figures)
    return page(
        request,
        "ui/reports.html",
        session,
        nav="reports",
        report=report,
        figures=figures,
        first=first,
        last=last,
        error=error,
        seconds=_seconds,
        **_charts(figures),
    )
