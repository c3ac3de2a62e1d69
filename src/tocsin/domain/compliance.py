"""Did the response follow the plan? One checklist per incident, and the figures over many
(MTTA, MTTR, share acknowledged in time). Pure: the facts and the time are parameters.

Each check is **met**, **missed**, **pending** (its deadline has not come), **waived** (an
admin's decision) or **n/a** (the plan does not ask it of this incident, or the integration is
off). The score is met / (met + missed): pending, waived and n/a checks count for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

from tocsin.domain.incident import Incident
from tocsin.domain.postmortem import PostMortem, Status
from tocsin.domain.severity import Plan, Severity


class Verdict(StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    WAIVED = "waived"
    NA = "n/a"


@dataclass(frozen=True, slots=True)
class Check:
    key: str
    label: str
    verdict: Verdict
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    """What happened around an incident, gathered by the service from its rows and events."""

    incident: Incident
    first_step_targets: tuple[str, ...] = ()
    first_step_notified: tuple[str, ...] = ()
    escalation_on: bool = False
    github_expected: bool = False
    github_issue: bool = False
    status_page_on: bool = False
    first_public_update_at: datetime | None = None
    customer_email_at: datetime | None = None
    postmortem: PostMortem | None = None


def _minutes(delta: timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} min"


def _acknowledged(incident: Incident, at: datetime) -> Check:
    label = "Acknowledged within the response time"
    due = incident.ack_due_at
    if incident.acknowledged_at is not None:
        took = _minutes(incident.acknowledged_at - incident.detected_at)
        verdict = Verdict.MET if incident.acknowledged_at <= due else Verdict.MISSED
        return Check(
            "acknowledged", label, verdict, f"after {took} (allowed {_minutes(incident.response_time)})"
        )
    if incident.resolved_at is not None:
        verdict = Verdict.MET if incident.resolved_at <= due else Verdict.MISSED
        return Check("acknowledged", label, verdict, "resolved without an acknowledgement")
    verdict = Verdict.PENDING if at <= due else Verdict.MISSED
    return Check("acknowledged", label, verdict, f"due {due:%Y-%m-%d %H:%M} UTC")


def _escalated(facts: Facts, plan: Plan) -> Check:
    label = "Escalated to the plan's targets"
    wanted = plan.level(facts.incident.severity).escalate_to
    if not facts.escalation_on:
        return Check("escalated", label, Verdict.NA, "no escalation policy is configured")
    missing = [t for t in wanted if t not in facts.first_step_targets]
    if not facts.first_step_targets:
        return Check("escalated", label, Verdict.MISSED, "no escalation step ran")
    if missing:
        return Check("escalated", label, Verdict.MISSED, f"not paged: {', '.join(missing)}")
    if not facts.first_step_notified:
        return Check("escalated", label, Verdict.MISSED, "the targets named nobody reachable")
    return Check("escalated", label, Verdict.MET, ", ".join(facts.first_step_targets))


def _github(facts: Facts) -> Check:
    label = "GitHub issue created (label incident)"
    if not facts.github_expected:
        return Check("github", label, Verdict.NA, "GitHub is off for this severity")
    return Check("github", label, Verdict.MET if facts.github_issue else Verdict.MISSED)


def _status_page(facts: Facts, plan: Plan) -> Check:
    label = "Status page updated (P0/P1)"
    if not plan.level(facts.incident.severity).status_page or not facts.status_page_on:
        return Check("status_page", label, Verdict.NA)
    if facts.first_public_update_at is None:
        return Check("status_page", label, Verdict.MISSED, "no public update was posted")
    took = _minutes(facts.first_public_update_at - facts.incident.detected_at)
    return Check("status_page", label, Verdict.MET, f"first update {took} after detection")


def _customer_email(facts: Facts, plan: Plan, at: datetime) -> Check:
    label = "Users emailed when unresolved after 1 h"
    after = plan.level(facts.incident.severity).customer_email_after
    incident = facts.incident
    if after is None or not facts.status_page_on:
        return Check("customer_email", label, Verdict.NA)
    due = incident.detected_at + after
    if facts.customer_email_at is not None:
        return Check("customer_email", label, Verdict.MET, f"sent {facts.customer_email_at:%H:%M} UTC")
    ended = incident.resolved_at or at
    if ended <= due:
        return Check("customer_email", label, Verdict.NA, "resolved within the hour")
    return Check("customer_email", label, Verdict.MISSED, "no email although the incident outlasted it")


def _postmortem(facts: Facts, plan: Plan, at: datetime) -> Check:
    label = "Post-mortem complete within 48 h (P0/P1)"
    pm = facts.postmortem
    if plan.level(facts.incident.severity).postmortem_due_after is None and (pm is None or not pm.required):
        return Check("postmortem", label, Verdict.NA)
    if pm is None:
        pending = facts.incident.resolved_at is None
        return Check("postmortem", label, Verdict.PENDING if pending else Verdict.MISSED, "not opened")
    if pm.status is Status.WAIVED:
        return Check("postmortem", label, Verdict.WAIVED, pm.waived_reason)
    if pm.status is Status.COMPLETE and pm.completed_at is not None:
        late = pm.due_at is not None and pm.completed_at > pm.due_at
        return Check("postmortem", label, Verdict.MISSED if late else Verdict.MET, "late" if late else "")
    if pm.due_at is not None and at > pm.due_at:
        return Check("postmortem", label, Verdict.MISSED, f"overdue since {pm.due_at:%Y-%m-%d %H:%M} UTC")
    return Check("postmortem", label, Verdict.PENDING, "draft")


def _runbooks(facts: Facts, plan: Plan) -> Check:
    label = "Runbooks updated"
    pm = facts.postmortem
    required = plan.level(facts.incident.severity).postmortem_due_after is not None
    if pm is None or pm.status is Status.WAIVED:
        return Check("runbooks", label, Verdict.NA if not required or pm is not None else Verdict.PENDING)
    if not pm.runbooks:
        verdict = Verdict.MISSED if pm.status is Status.COMPLETE else Verdict.PENDING
        return Check("runbooks", label, verdict, "no runbook listed in the post-mortem")
    open_ = [r.title or r.url for r in pm.runbooks if not r.done]
    if open_:
        verdict = Verdict.MISSED if pm.status is Status.COMPLETE else Verdict.PENDING
        return Check("runbooks", label, verdict, f"not done: {', '.join(open_)}")
    return Check("runbooks", label, Verdict.MET, f"{len(pm.runbooks)} updated")


def checklist(facts: Facts, plan: Plan, at: datetime) -> list[Check]:
    """The plan's compliance checklist for one incident, read at ``at``."""
    return [
        _acknowledged(facts.incident, at),
        _escalated(facts, plan),
        _github(facts),
        _status_page(facts, plan),
        _customer_email(facts, plan, at),
        _postmortem(facts, plan, at),
        _runbooks(facts, plan),
    ]


def score(checks: Iterable[Check]) -> int | None:
    """Percent of the decided checks that were met (``None`` when none is decided yet)."""
    met = missed = 0
    for check in checks:
        met += check.verdict is Verdict.MET
        missed += check.verdict is Verdict.MISSED
    return round(100 * met / (met + missed)) if met + missed else None


@dataclass(frozen=True, slots=True)
class SeverityFigures:
    """The figures of one severity over a period; times in seconds (``None``: no sample)."""

    severity: Severity
    incidents: int
    acknowledged: int
    acknowledged_in_time: int
    resolved: int
    mtta_seconds: float | None
    mttr_seconds: float | None
    median_tta_seconds: float | None
    median_ttr_seconds: float | None

    @property
    def in_time_share(self) -> float | None:
        return self.acknowledged_in_time / self.incidents if self.incidents else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(incidents: Iterable[Incident]) -> list[SeverityFigures]:
    """MTTA (detection → acknowledgement) and MTTR (detection → resolution) per severity, and
    how many were acknowledged within their response time."""
    by_severity: dict[Severity, list[Incident]] = {s: [] for s in Severity}
    for incident in incidents:
        by_severity[incident.severity].append(incident)
    out = []
    for severity, group in by_severity.items():
        tta = [(i.acknowledged_at - i.detected_at).total_seconds() for i in group if i.acknowledged_at]
        ttr = [(i.resolved_at - i.detected_at).total_seconds() for i in group if i.resolved_at]
        in_time = sum(1 for i in group if i.acknowledged_at is not None and i.acknowledged_at <= i.ack_due_at)
        out.append(
            SeverityFigures(
                severity=severity,
                incidents=len(group),
                acknowledged=len(tta),
                acknowledged_in_time=in_time,
                resolved=len(ttr),
                mtta_seconds=_mean(tta),
                mttr_seconds=_mean(ttr),
                median_tta_seconds=median(tta) if tta else None,
                median_ttr_seconds=median(ttr) if ttr else None,
            )
        )
    return out
