"""What a notification's alerts do to their incident beyond each alert's own timeline line:
its severity, the "all alerts cleared" prompt (or auto-resolution), the sender's truncation
note; and ``merge``, which makes ``grouping``'s steps ONE change. Pure.

Severity: an incident is as severe as its most severe alert, unless a person set its
severity; alerts then never change it, and a more severe alert is recorded as a proposal.

When the last firing alert resolves the timeline says "all alerts cleared" and prompts the
responder; P2/P3 incidents may resolve themselves if the source says so, P0/P1 never do (their
post-mortem comes first).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from tocsin.domain import incident as incidents
from tocsin.domain.alert import AlertGroup, AlertStatus, AlertSummary, Notification, StoredAlert
from tocsin.domain.events import Change, EventKind, JobRequest, TimelineEvent, timeline_event
from tocsin.domain.incident import Incident
from tocsin.domain.severity import Plan, Severity

AUTO_RESOLVABLE = frozenset({Severity.P2, Severity.P3})


def most_severe(severities: Sequence[Severity], default: Severity = Severity.P3) -> Severity:
    # "P0" < "P1" < … as text is the order of ``rank``: ``min`` compares the values directly
    return min(severities, default=default)


def merge(changes: Sequence[Change], final: Incident, extra: Sequence[TimelineEvent] = ()) -> Change:
    """The changes as one, in order; a job a later change cancels is not enqueued at all (the
    cancellation stays, for jobs written before)."""
    if len(changes) == 1 and not extra and changes[0].incident is final:
        return changes[0]  # one change: already itself merged
    jobs: list[JobRequest] = []
    for change in changes:
        jobs = [j for j in jobs if j.key not in change.cancel_keys] + list(change.jobs)
    return Change(
        final,
        events=tuple(e for c in changes for e in c.events) + tuple(extra),
        jobs=tuple(jobs),
        cancel_keys=tuple(k for c in changes for k in c.cancel_keys),
    )


def _worst(rows: Mapping[str, StoredAlert], others: AlertSummary) -> Severity | None:
    severities = [r.severity for r in rows.values()] + ([others.worst] if others.worst else [])
    return most_severe(severities) if severities else None


def severity(
    incident: Incident,
    group: AlertGroup,
    known: Mapping[str, StoredAlert],
    others: AlertSummary,
    rows: Mapping[str, StoredAlert],
    *,
    human: bool,
    at: datetime,
    by: str,
    plan: Plan,
) -> tuple[Change | None, AlertGroup]:
    """Raise the incident to its most severe alert, or propose it if a person set the severity
    (``human``); ``known``: the alerts stored before, ``rows``: those this notification writes."""
    after = _worst({**known, **rows} if known else rows, others)
    if group.human_severity != human:
        group = replace(group, human_severity=human)
    if after is None or after.rank >= incident.severity.rank or not incident.phase.is_open:
        return None, group
    if human:
        before = _worst(known, others)
        if before is not None and after.rank >= before.rank:
            return None, group  # proposed already, when that alert first came
        text = f"Alerts suggest {after.value}; a person set the severity, it stays {incident.severity.value}"
        event = timeline_event(EventKind.SEVERITY_PROPOSED, at, by, text, proposed=after.value)
        return Change(incident, events=(event,)), group
    worst = next((r.name for r in rows.values() if r.severity is after), "")
    reason = f"alert {worst}" if worst else "its alerts"
    change = incidents.set_severity(incident, after, reason=reason, at=at, by=by, plan=plan)
    return change, replace(group, alert_severity=after)


def cleared(
    incident: Incident,
    known: Mapping[str, StoredAlert],
    others: AlertSummary,
    rows: Mapping[str, StoredAlert],
    *,
    at: datetime,
    by: str,
    auto_resolve: bool,
    plan: Plan,
) -> Change | None:
    """ "All alerts cleared" when this notification resolved the last firing alert."""
    if not any(r.status is AlertStatus.RESOLVED for r in rows.values()):
        return None  # nothing resolved now (most notifications: alerts firing)
    merged = {**known, **rows}
    firing = others.firing + sum(a.status is AlertStatus.FIRING for a in merged.values())
    if firing or not incident.phase.is_open:
        return None
    total = others.total + len(merged)
    if auto_resolve and incident.severity in AUTO_RESOLVABLE:
        text = f"All alerts cleared ({total}): resolving, as this source allows for P2/P3"
        event = timeline_event(EventKind.ALERTS_CLEARED, at, by, text, prompt=False)
        resolved = incidents.resolve(incident, summary="all alerts cleared", at=at, by=by, plan=plan)
        return Change(resolved.incident, (event, *resolved.events), resolved.jobs, resolved.cancel_keys)
    text = f"All alerts cleared ({total}): confirm that service is restored, then resolve the incident"
    return Change(incident, events=(timeline_event(EventKind.ALERTS_CLEARED, at, by, text, prompt=True),))


def truncated(group: AlertGroup, n: Notification, at: datetime, by: str) -> TimelineEvent | None:
    """The sender's note that it left alerts out, once per count it gives."""
    if n.truncated <= 0 or n.truncated == group.truncated:
        return None
    text = f"The sender left out {n.truncated} alert(s) of this group (max_alerts): not all are shown"
    return timeline_event(EventKind.ALERTS_TRUNCATED, at, by, text, truncated=n.truncated)
