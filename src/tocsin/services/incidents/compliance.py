"""Plan compliance: the checklist of one incident, and the figures and checklists of a period
(MTTA, MTTR, share acknowledged in time), read in a few batch queries whatever the period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tocsin.domain import compliance as domain
from tocsin.domain import restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import EventKind
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.postmortem import PostMortem
from tocsin.services.incidents.context import ComplianceContext
from tocsin.services.incidents.postmortem_ports import StoredEventLike
from tocsin.services.ports import UnitOfWork

KINDS = (EventKind.ESCALATED, EventKind.STATUS_POSTED, EventKind.CUSTOMER_EMAIL)
MAX_PERIOD = timedelta(days=366)
MAX_INCIDENTS = 10_000


@dataclass(frozen=True, slots=True)
class Row:
    incident: Incident
    checks: Sequence[domain.Check]
    score: int | None


@dataclass(frozen=True, slots=True)
class PeriodReport:
    start: datetime
    end: datetime
    figures: Sequence[domain.SeverityFigures]
    rows: Sequence[Row]
    truncated: bool
    drills: Sequence[Row] = ()
    """Drills of the period, apart: they count in neither the figures nor ``rows``."""

    @property
    def average_score(self) -> int | None:
        scores = [r.score for r in self.rows if r.score is not None]
        return round(sum(scores) / len(scores)) if scores else None


def _facts(
    svc: ComplianceContext,
    incident: Incident,
    events: Mapping[tuple[int, EventKind], StoredEventLike],
    linked: set[int],
    postmortems: Mapping[int, PostMortem],
) -> domain.Facts:
    step = events.get((incident.id, EventKind.ESCALATED))
    posted = events.get((incident.id, EventKind.STATUS_POSTED))
    emailed = events.get((incident.id, EventKind.CUSTOMER_EMAIL))
    gh = svc.github
    return domain.Facts(
        incident=incident,
        first_step_targets=tuple(step.data.get("targets", ())) if step else (),
        first_step_notified=tuple(step.data.get("notified", ())) if step else (),
        escalation_on=bool(svc.paging.policies),
        github_expected=gh is not None and incident.severity in gh.open_for,
        github_issue=incident.id in linked,
        status_page_on=svc.statuspage.enabled,
        first_public_update_at=posted.at if posted else None,
        customer_email_at=emailed.at if emailed else None,
        postmortem=postmortems.get(incident.id),
    )


def _rows(svc: ComplianceContext, uow: UnitOfWork, found: Sequence[Incident], at: datetime) -> list[Row]:
    ids = [i.id for i in found]
    events = uow.compliance.first_events(ids, KINDS)
    linked = uow.compliance.github_linked(ids)
    postmortems = uow.compliance.postmortems(ids)
    out = []
    for incident in found:
        checks = domain.checklist(_facts(svc, incident, events, linked, postmortems), svc.plan, at)
        out.append(Row(incident, checks, domain.score(checks)))
    return out


def incident_compliance(svc: ComplianceContext, incident_id: IncidentId, *, by: Actor) -> Row:
    by.require(Role.VIEWER, "reading compliance")
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        restriction.require_clearance(by, incident)
        (row,) = _rows(svc, uow, [incident], svc.clock.now())
    return row


def period_report(svc: ComplianceContext, *, start: datetime, end: datetime, by: Actor) -> PeriodReport:
    """Incidents detected in ``[start, end)``: their checklists and the figures per severity."""
    by.require(Role.VIEWER, "reading compliance")
    if end <= start:
        raise InvalidInput(
            f"to: the period ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})"
        )
    if end - start > MAX_PERIOD:
        raise InvalidInput("to: a period of at most 366 days")
    with svc.read() as uow:
        found = uow.compliance.detected_between(start, end, limit=MAX_INCIDENTS + 1)
        truncated = len(found) > MAX_INCIDENTS
        found = found[:MAX_INCIDENTS]
        found = [restriction.view(by, incident) for incident in found]
        real = [incident for incident in found if not incident.drill]
        drills = [incident for incident in found if incident.drill]
        rows = _rows(svc, uow, real, svc.clock.now())
        drill_rows = _rows(svc, uow, drills, svc.clock.now())
    return PeriodReport(start, end, domain.figures(real), rows, truncated, drill_rows)
