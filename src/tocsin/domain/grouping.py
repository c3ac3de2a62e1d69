"""What a notification does to its group's incident: open, attach, reopen, refresh, resolve.

Pure. The service loads the group's state (its current incident, locked, and that incident's
alerts), asks ``route`` where the notification goes, and applies ``absorb``'s result in one
transaction.

Per alert, by identity (fingerprint) within the incident:

- new, firing → ``fired`` (timeline: "alert X fired");
- known and firing, firing again → ``refreshed`` (last seen only: no timeline noise);
- known and resolved, firing with a ``startsAt`` after its resolution → ``refired``;
  with an older one it is a replay → ``duplicate``;
- firing, now resolved → ``resolved`` (timeline); resolved twice → ``duplicate``.

A resolved incident whose alert fires again within the reopen window is reopened (flapping);
later, a new incident opens. What the alerts do to the incident besides (its severity, "all
alerts cleared", auto-resolution) is ``alert_effects``.

Opening (``open_group``): the leading alert names the incident (``incident_title``), and the
declaration and the notification's alerts are ONE change, written once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from tocsin.domain import alert_effects as effects
from tocsin.domain import incident as incidents
from tocsin.domain.alert import Alert, AlertGroup, AlertStatus, AlertSummary, Notification, StoredAlert
from tocsin.domain.events import Change, EventKind, TimelineEvent, timeline_event
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.incident_title import lead, title_of
from tocsin.domain.severity import Plan
from tocsin.domain.source import SourcePolicy


class Route(StrEnum):
    OPEN = "open"
    ATTACH = "attach"
    REOPEN = "reopen"
    IGNORE = "ignore"


class Outcome(StrEnum):
    FIRED = "fired"
    REFIRED = "refired"
    REFRESHED = "refreshed"
    RESOLVED = "resolved"
    DUPLICATE = "duplicate"

    @property
    def accepted(self) -> bool:
        """The alert changed something (as opposed to a repeat or a replay)."""
        return self not in (Outcome.REFRESHED, Outcome.DUPLICATE)


@dataclass(frozen=True, slots=True)
class GroupState:
    """A group's current incident (locked by the caller), its group record, the stored alerts
    the notification mentions, and a summary of the incident's other alerts."""

    incident: Incident
    group: AlertGroup
    alerts: Mapping[str, StoredAlert]
    others: AlertSummary = field(default_factory=AlertSummary)

    @property
    def severity_set_by_human(self) -> bool:
        """If the incident's severity is not the one alerts last gave it, a person changed it."""
        return self.group.human_severity or self.incident.severity is not self.group.alert_severity


@dataclass(frozen=True, slots=True)
class Intake:
    """Everything one notification changes: the incident (with its timeline events and jobs),
    the alert rows to write, each alert's outcome, and the group's new state."""

    change: Change
    rows: tuple[StoredAlert, ...]
    outcomes: Mapping[str, Outcome]
    group: AlertGroup


def unique_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """One alert per fingerprint (the last one wins), in first-seen order."""
    latest = {alert.fingerprint: alert for alert in alerts}
    return list(latest.values())


def is_new_firing(alert: Alert, known: StoredAlert | None) -> bool:
    """Firing and not yet known as firing (a replay of an older firing is not new)."""
    if not alert.firing:
        return False
    if known is None:
        return True
    if known.status is AlertStatus.FIRING:
        return False
    return known.ends_at is None or alert.starts_at > known.ends_at


def route(
    incident: Incident | None,
    known: Mapping[str, StoredAlert],
    alerts: Sequence[Alert],
    *,
    at: datetime,
    reopen_window: timedelta,
) -> Route:
    """Where a notification goes, given the group's current incident (if any)."""
    new = any(is_new_firing(a, known.get(a.fingerprint)) for a in alerts)
    if incident is None:
        return Route.OPEN if new else Route.IGNORE
    if incident.phase.is_open or not new:
        return Route.ATTACH
    if incident.resolved_at is not None and at - incident.resolved_at <= reopen_window:
        return Route.REOPEN
    return Route.OPEN


def _fired(kind: EventKind, at: datetime, by: str, prefix: str, row: StoredAlert) -> TimelineEvent:
    """ "Alert fired: name (P2): summary" with the facts the Incident Report's timeline needs of
    a firing alert (when it started, its words); ``row`` holds the alert's name and summary."""
    name, summary = row.name, row.summary
    text = f"{prefix}: {name} ({row.severity.value})" + (f": {summary}" if summary else "")
    facts = {
        "fingerprint": row.fingerprint,
        "name": name,
        "summary": summary,
        "starts_at": row.starts_at.isoformat(),
    }
    return timeline_event(kind, at, by, text, **facts)


def _new_row(incident_id: IncidentId, n: Notification, alert: Alert, at: datetime) -> StoredAlert:
    return StoredAlert(
        incident_id=incident_id,
        source=n.source,
        group_key=n.group_key,
        fingerprint=alert.fingerprint,
        status=alert.status,
        severity=alert.severity,
        name=alert.name,
        summary=alert.summary,
        labels=dict(alert.labels),
        annotations=dict(alert.annotations),
        starts_at=alert.starts_at,
        ends_at=alert.ends_at if not alert.firing else None,
        generator_url=alert.generator_url,
        first_seen_at=at,
        last_seen_at=at,
    )


def _one_alert(
    incident_id: IncidentId,
    n: Notification,
    alert: Alert,
    known: StoredAlert | None,
    *,
    at: datetime,
    by: str,
) -> tuple[Outcome, StoredAlert | None, TimelineEvent | None]:
    fp = alert.fingerprint
    if is_new_firing(alert, known):
        row = _new_row(incident_id, n, alert, at)
        if known is None:
            return Outcome.FIRED, row, _fired(EventKind.ALERT_FIRED, at, by, "Alert fired", row)
        row = replace(row, first_seen_at=known.first_seen_at, id=known.id)
        return Outcome.REFIRED, row, _fired(EventKind.ALERT_FIRED, at, by, "Alert fired again", row)
    if alert.firing:
        if known is not None and known.status is AlertStatus.FIRING:
            return Outcome.REFRESHED, replace(known, last_seen_at=at), None
        return Outcome.DUPLICATE, None, None
    if known is not None and known.status is AlertStatus.RESOLVED:
        return Outcome.DUPLICATE, None, None
    ends_at = alert.ends_at or at
    if known is None:
        row = replace(_new_row(incident_id, n, alert, at), ends_at=ends_at)
    else:
        row = replace(known, status=AlertStatus.RESOLVED, ends_at=ends_at, last_seen_at=at)
    text = f"Alert resolved: {row.name}"
    return Outcome.RESOLVED, row, timeline_event(EventKind.ALERT_RESOLVED, at, by, text, fingerprint=fp)


def _apply_alerts(
    incident_id: IncidentId, stored: Mapping[str, StoredAlert], n: Notification, at: datetime, by: str
) -> tuple[dict[str, Outcome], dict[str, StoredAlert], list[TimelineEvent]]:
    outcomes: dict[str, Outcome] = {}
    rows: dict[str, StoredAlert] = {}
    events: list[TimelineEvent] = []
    for alert in unique_alerts(n.alerts):
        known = stored.get(alert.fingerprint)
        outcome, row, event = _one_alert(incident_id, n, alert, known, at=at, by=by)
        outcomes[alert.fingerprint] = outcome
        if row is not None:
            rows[alert.fingerprint] = row
        if event is not None:
            events.append(event)
    return outcomes, rows, events


def absorb(
    state: GroupState,
    n: Notification,
    *,
    at: datetime,
    by: str,
    plan: Plan,
    reopen: bool = False,
    auto_resolve: bool = False,
) -> Intake:
    """Apply one notification to the group's current incident (``reopen``: flapping)."""
    changes: list[Change] = []
    incident = state.incident
    if reopen:
        first = next(a for a in n.alerts if is_new_firing(a, state.alerts.get(a.fingerprint)))
        reason = f"alert {first.name} fired again within the reopen window"
        changes.append(incidents.reopen(incident, reason=reason, at=at, by=by, plan=plan))
        incident = changes[-1].incident
    outcomes, rows, events = _apply_alerts(incident.id, state.alerts, n, at, by)
    changes.append(Change(incident, events=tuple(events)))
    known, others = state.alerts, state.others
    severity, group = effects.severity(
        incident, state.group, known, others, rows, human=state.severity_set_by_human, at=at, by=by, plan=plan
    )
    if severity is not None:
        changes.append(severity)
        incident = severity.incident
    cleared = effects.cleared(
        incident, known, others, rows, at=at, by=by, auto_resolve=auto_resolve, plan=plan
    )
    if cleared is not None:
        changes.append(cleared)
        incident = cleared.incident
    truncated = effects.truncated(group, n, at, by)
    group = replace(group, truncated=n.truncated, tally=group.tally.updated(known, rows.values()))
    return Intake(
        effects.merge(changes, incident, (truncated,) if truncated else ()),
        tuple(rows.values()),
        outcomes,
        group,
    )


@dataclass(frozen=True, slots=True)
class Opening:
    """A new incident for a group: ``intake`` is everything the notification changes, its
    ``change`` holding the declaration and the alerts' events together."""

    intake: Intake
    state: GroupState


def open_group(
    incident_id: IncidentId, n: Notification, policy: SourcePolicy, *, at: datetime, plan: Plan
) -> Opening:
    """Open an incident for the notification's group and absorb the notification into it, as
    one change (``n`` has at least one new firing alert: ``route`` said ``OPEN``)."""
    alerts = unique_alerts(n.alerts)
    first = lead(alerts)
    title, summary = title_of(first)
    declared = incidents.declare(
        incident_id,
        title=title,
        severity=first.severity,
        summary=summary,
        source=policy.label,
        security=any(policy.flags_security(a.labels) for a in alerts if a.firing),
        drill=policy.drill,
        at=at,
        by=policy.actor,
        plan=plan,
    )
    group = AlertGroup(source=n.source, group_key=n.group_key, alert_severity=first.severity)
    state = GroupState(declared.incident, group, {})
    absorbed = absorb(state, n, at=at, by=policy.actor, plan=plan, auto_resolve=policy.auto_resolve)
    change = effects.merge((declared, absorbed.change), absorbed.change.incident)
    return Opening(replace(absorbed, change=change), state)
