"""Bounded intake and its counters.

``Gate`` admits at most ``limit`` webhooks at once (being processed or waiting for a thread or
the database); the next one is answered 503 at once, which Alertmanager retries, instead of
queueing without bound while the database is slow. Used from the event loop only.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class Gate:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inside = 0

    def enter(self) -> bool:
        if self.inside >= self.limit:
            return False
        self.inside += 1
        return True

    def leave(self) -> None:
        self.inside -= 1


class IntakeMetrics:
    """``tocsin_intake_notifications_total{source,outcome}``: accepted (changed something),
    duplicate (a repeat or a replay), rejected (4xx), unavailable (503);
    ``tocsin_intake_alerts_total{source,outcome}``: accepted or duplicate, per alert.
    ``source`` is a configured source name or ``unknown``, so clients cannot mint labels."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.notifications = Counter(
            "tocsin_intake_notifications",
            "Webhook notifications and user reports by source and outcome",
            ["source", "outcome"],
            registry=registry,
        )
        self.alerts = Counter(
            "tocsin_intake_alerts",
            "Alerts received by source and outcome",
            ["source", "outcome"],
            registry=registry,
        )

    def notification(self, source: str, outcome: str) -> None:
        self.notifications.labels(source, outcome).inc()

    def alert_outcomes(self, source: str, accepted: int, duplicates: int) -> None:
        if accepted:
            self.alerts.labels(source, "accepted").inc(accepted)
        if duplicates:
            self.alerts.labels(source, "duplicate").inc(duplicates)
