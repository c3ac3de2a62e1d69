"""What tocsin knows about an intake source once its credentials are checked: how to name its
alerts' severity, how to group them, how long a resolved incident may be reopened."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum

from tocsin.domain.alert import Alert, Notification
from tocsin.domain.severity import Severity
from tocsin.domain.severity_rules import Matcher, SeverityRules, default_rules

DEFAULT_REOPEN_WINDOW = timedelta(minutes=30)
USER_REPORT = "user report"


class SourceKind(StrEnum):
    ALERTMANAGER = "alertmanager"
    GRAFANA = "grafana"
    GENERIC = "generic"
    REPORT = "report"
    DEPLOY = "deploy"


def with_severity(alert: Alert, severity: Severity) -> Alert:
    """``replace(alert, severity=severity)``, field by field: a fifth of its cost, once per
    alert received (``tests/domain`` checks that every field of ``Alert`` is carried over)."""
    return Alert(
        alert.fingerprint,
        alert.status,
        alert.labels,
        alert.annotations,
        alert.starts_at,
        alert.ends_at,
        alert.generator_url,
        severity,
    )


@dataclass(frozen=True, slots=True)
class SourcePolicy:
    """``group_by``: labels that group alerts into one incident when the sender gives no group
    key of its own (Alertmanager and Grafana do)."""

    name: str
    kind: SourceKind
    rules: SeverityRules = field(default_factory=default_rules)
    group_by: tuple[str, ...] = ("alertname",)
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW
    auto_resolve: bool = False
    security: tuple[Matcher, ...] | None = None
    """Labels that make an alert a security one (all must match): the incident it opens is
    restricted from its first row. ``None``: this source never flags one."""
    drill: bool = False
    """The incidents this source opens are drills (``tocsin drill``'s own source, never a
    configured one)."""

    def classify(self, n: Notification) -> Notification:
        """Each alert with the severity this source's label rules give it."""
        classify = self.rules.classify
        alerts = []
        changed = False
        for given in n.alerts:
            severity = classify(given.labels)
            if severity is given.severity:
                alerts.append(given)
            else:
                alerts.append(with_severity(given, severity))
                changed = True
        return replace(n, alerts=tuple(alerts)) if changed else n  # unchanged: nothing to copy

    def flags_security(self, labels: Mapping[str, str]) -> bool:
        return self.security is not None and all(m.matches(labels) for m in self.security)

    @property
    def actor(self) -> str:
        """Who the timeline names: ``alertmanager:prometheus``, or the person reporting."""
        return self.name if self.kind is SourceKind.REPORT else f"{self.kind.value}:{self.name}"

    @property
    def label(self) -> str:
        """The incident's ``source``: ``alertmanager:prometheus`` or ``user report``."""
        return USER_REPORT if self.kind is SourceKind.REPORT else self.actor
