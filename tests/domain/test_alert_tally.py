"""AlertTally: the counts a group keeps of its alerts, and the summary of the unmentioned ones."""

from __future__ import annotations

from datetime import UTC, datetime

from tocsin.domain.alert import AlertStatus, AlertSummary, AlertTally, StoredAlert
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def row(fingerprint: str, severity: Severity, status: AlertStatus = AlertStatus.FIRING) -> StoredAlert:
    return StoredAlert(
        id=None,
        incident_id=IncidentId(1),
        source="prom",
        group_key="g",
        fingerprint=fingerprint,
        status=status,
        severity=severity,
        name="A",
        summary="",
        labels={},
        annotations={},
        starts_at=AT,
        ends_at=None,
        generator_url="",
        first_seen_at=AT,
        last_seen_at=AT,
    )


def test_new_alerts_are_added_and_changed_ones_moved():
    a, b = row("a", Severity.P2), row("b", Severity.P0)
    tally = AlertTally().updated({}, [a, b])
    assert tally == AlertTally(2, 2, (1, 0, 1, 0))

    resolved_b = row("b", Severity.P1, AlertStatus.RESOLVED)  # resolved and re-classified
    assert tally.updated({"a": a, "b": b}, [resolved_b]) == AlertTally(2, 1, (0, 1, 1, 0))


def test_the_others_are_the_tally_less_the_mentioned_ones():
    a, b, c = row("a", Severity.P0), row("b", Severity.P2), row("c", Severity.P3, AlertStatus.RESOLVED)
    tally = AlertTally().updated({}, [a, b, c])

    assert tally.without([a]) == AlertSummary(total=2, firing=1, worst=Severity.P2)
    assert tally.without([a, b, c]) == AlertSummary(total=0, firing=0, worst=None)
    assert tally.without([]) == AlertSummary(total=3, firing=2, worst=Severity.P0)
