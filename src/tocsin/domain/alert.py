"""Alerts as tocsin sees them, whatever sent them: value objects, no I/O.

An ``Alert`` is one alert of one notification (Alertmanager, Grafana, a generic monitor, a
user report). Its identity is its ``fingerprint``; the ``Notification`` it came in names the
group (``group_key``) that decides which incident it belongs to. A ``StoredAlert`` is what
tocsin remembers about an alert of one incident.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity

MAX_ALERTS = 10_000


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert of a notification. ``ends_at`` is None while firing; ``severity`` is filled in
    by the source's label rules before grouping."""

    fingerprint: str
    status: AlertStatus
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    generator_url: str = ""
    severity: Severity = Severity.P3

    @property
    def name(self) -> str:
        return self.labels.get("alertname") or self.annotations.get("title") or self.fingerprint

    @property
    def summary(self) -> str:
        for key in ("summary", "description", "message"):
            if self.annotations.get(key):
                return self.annotations[key]
        return ""

    @property
    def firing(self) -> bool:
        return self.status is AlertStatus.FIRING


@dataclass(frozen=True, slots=True)
class Notification:
    """One delivery from a source: alerts of one group. ``truncated`` counts alerts the sender
    dropped (Alertmanager ``max_alerts``); ``external_url`` links back to the sender."""

    source: str
    group_key: str
    alerts: tuple[Alert, ...]
    truncated: int = 0
    external_url: str = ""
    receiver: str = ""

    @property
    def group_id(self) -> str:
        return group_id(self.source, self.group_key)


def group_id(source: str, group_key: str) -> str:
    """A fixed-size key for a (source, group key) pair: group keys can be kilobytes long."""
    return hashlib.sha256(f"{source}\x00{group_key}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class AlertTally:
    """Running counts of an incident's alerts, kept with its group so that no notification
    has to count them (a group of 10,000 alerts costs what a group of 10 does).
    ``by_severity`` counts the alerts per severity, P0 first."""

    total: int = 0
    firing: int = 0
    by_severity: tuple[int, int, int, int] = (0, 0, 0, 0)

    def without(self, known: Iterable[StoredAlert]) -> AlertSummary:
        """The summary of the incident's alerts other than ``known`` (counted in this tally)."""
        total, firing, counts = self.total, self.firing, list(self.by_severity)
        for row in known:
            total -= 1
            firing -= row.status is AlertStatus.FIRING
            counts[row.severity.rank] -= 1
        worst = next((s for s in Severity if counts[s.rank] > 0), None)
        return AlertSummary(total=max(total, 0), firing=max(firing, 0), worst=worst)

    def updated(self, before: Mapping[str, StoredAlert], after: Iterable[StoredAlert]) -> AlertTally:
        """This tally once ``after`` are written (each new, or replacing its ``before`` row)."""
        total, firing, counts = self.total, self.firing, list(self.by_severity)
        for row in after:
            old = before.get(row.fingerprint)
            if old is None:
                total += 1
            else:
                firing -= old.status is AlertStatus.FIRING
                counts[old.severity.rank] -= 1
            firing += row.status is AlertStatus.FIRING
            counts[row.severity.rank] += 1
        return AlertTally(total, firing, (counts[0], counts[1], counts[2], counts[3]))


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """An incident's alert group. ``alert_severity`` is the severity alerts last gave the
    incident; ``truncated`` the last ``truncatedAlerts`` the sender reported; ``tally`` counts
    its alerts."""

    source: str
    group_key: str
    alert_severity: Severity
    human_severity: bool = False
    truncated: int = 0
    tally: AlertTally = AlertTally()


@dataclass(frozen=True, slots=True)
class AlertSummary:
    """Aggregate of an incident's alerts (those a notification does not mention)."""

    total: int = 0
    firing: int = 0
    worst: Severity | None = None


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert of one incident as last seen: ``first_seen_at``/``last_seen_at`` are tocsin's
    receive times, ``starts_at``/``ends_at`` the sender's."""

    incident_id: IncidentId
    source: str
    group_key: str
    fingerprint: str
    status: AlertStatus
    severity: Severity
    name: str
    summary: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    starts_at: datetime
    ends_at: datetime | None
    generator_url: str
    first_seen_at: datetime
    last_seen_at: datetime
    id: int | None = None


@dataclass(frozen=True, slots=True)
class AlertCounts:
    firing: int = 0
    resolved: int = 0
    truncated: int = 0

    @property
    def total(self) -> int:
        return self.firing + self.resolved
