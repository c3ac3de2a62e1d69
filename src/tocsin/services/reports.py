"""User reports: a person describing a problem. It goes through intake like an alert, so a
second report of the same problem attaches to the first one's incident (source "user
report"), and a report that comes back soon after resolution reopens it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tocsin.domain.access import Actor, Role
from tocsin.domain.alert import Alert, AlertStatus, Notification
from tocsin.domain.errors import InvalidInput
from tocsin.domain.fingerprint import fingerprint
from tocsin.domain.incident import MAX_TEXT, MAX_TITLE
from tocsin.domain.severity import Severity
from tocsin.domain.source import DEFAULT_REOPEN_WINDOW, SourceKind, SourcePolicy
from tocsin.services.context import Services
from tocsin.services.intake.ingest import IngestResult, ingest_alerts

REPORTS = "reports"


@dataclass(frozen=True, slots=True)
class Report:
    """``dedup_key`` groups reports of one problem; without it, the same title (and service)
    does. Without a severity the report is P3 until a responder evaluates it."""

    title: str
    description: str = ""
    severity: Severity | None = None
    service: str = ""
    dedup_key: str = ""


def _labels(report: Report, title: str, by: Actor) -> dict[str, str]:
    labels = {"alertname": title, "source": "user-report", "reporter": by.name}
    if report.service.strip():
        labels["service"] = report.service.strip()
    if report.severity is not None:
        labels["severity"] = report.severity.value
    return labels


def report_problem(
    svc: Services, report: Report, *, by: Actor, reopen_window: timedelta = DEFAULT_REOPEN_WINDOW
) -> IngestResult:
    # A report pages people (a P0 pages the Lead Engineer and the CTO): viewers read, they do
    # not page. People outside the response report through a source of their own
    # (``/hooks/generic/<source>``, its own token and severity rules) or a responder token.
    by.require(Role.RESPONDER, "reporting a problem")
    title = " ".join(report.title.split())
    if not title or len(title) > MAX_TITLE:
        raise InvalidInput(f"title: 1 to {MAX_TITLE} characters")
    if len(report.description) > MAX_TEXT:
        raise InvalidInput(f"description: at most {MAX_TEXT} characters")
    labels = _labels(report, title, by)
    annotations = {"summary": report.description.strip()} if report.description.strip() else {}
    alert = Alert(
        fingerprint=fingerprint(labels),
        status=AlertStatus.FIRING,
        labels=labels,
        annotations=annotations,
        starts_at=svc.clock.now(),
    )
    group = report.dedup_key.strip() or f"{labels.get('service', '')}/{title.casefold()}"
    policy = SourcePolicy(name=by.name, kind=SourceKind.REPORT, reopen_window=reopen_window)
    return ingest_alerts(svc, policy, Notification(source=REPORTS, group_key=group, alerts=(alert,)))
