"""Intake through the service with a real database and a manual clock."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.intake_fixtures import am
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.domain.grouping import Outcome, Route
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.services.incidents import incidents
from tocsin.services.intake.alerts import alert_counts, list_alerts
from tocsin.services.intake.ingest import ingest_alerts

PROM = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)
INTAKE = {
    "declared",
    "alert_fired",
    "alert_resolved",
    "alerts_cleared",
    "severity_changed",
    "severity_proposed",
    "reopened",
    "resolved",
    "alerts_truncated",
}


def notification(name, **changes):
    return parse_alertmanager({**am(name), **changes}, source="prom")


def kinds(services, admin, incident_id):
    events = incidents.get_timeline(services, IncidentId(incident_id), by=admin)
    return [e.kind.value for e in events if e.kind.value in INTAKE]


def test_a_resolved_incident_reopens_when_its_alert_fires_again_within_the_window(services, clock, admin):
    first = ingest_alerts(services, PROM, notification("firing_ContainerHighMemory"))
    incidents.resolve_incident(services, IncidentId(first.incident_id), by=admin)
    clock.advance(timedelta(minutes=10))
    again = notification("firing_ContainerHighMemory")
    refired = replace(again, alerts=tuple(replace(a, starts_at=clock.now()) for a in again.alerts))
    # the alerts never resolved at the source: a repeat, not a new firing
    assert ingest_alerts(services, PROM, again).route is Route.ATTACH
    ingest_alerts(services, PROM, notification("mixed_ContainerHighMemory"))  # frontend resolves
    result = ingest_alerts(services, PROM, refired)
    assert result.route is Route.REOPEN
    assert result.incident_id == first.incident_id
    assert result.outcomes["977c8ecfa03e4305"] is Outcome.REFIRED
    found = incidents.get_incident(services, IncidentId(first.incident_id), by=admin)
    assert found.phase.is_open


def test_an_alert_after_a_person_acts_builds_on_what_they_did(services, admin):
    """Intake reuses the incident it converted for the same stored values; a change made
    between two webhooks (here an acknowledgement) must be what the next one builds on."""
    critical = notification("firing_PostgreSQLDown")
    warning = replace(critical.alerts[0], labels={**critical.alerts[0].labels, "severity": "warning"})
    opened = ingest_alerts(services, PROM, replace(critical, alerts=(replace(warning, fingerprint="aa"),)))
    incident_id = IncidentId(opened.incident_id)
    ingest_alerts(services, PROM, replace(critical, alerts=(replace(warning, fingerprint="ab"),)))
    incidents.acknowledge_incident(services, incident_id, by=admin)
    ingest_alerts(services, PROM, critical)  # raises the severity: the incident row is rewritten
    found = incidents.get_incident(services, incident_id, by=admin)
    assert found.severity is Severity.P0
    assert found.acknowledged_at is not None
    assert found.phase is Phase.TRIAGE


def test_after_the_window_a_new_incident_opens(services, clock, admin):
    first = ingest_alerts(services, PROM, notification("firing_PostgreSQLDown"))
    ingest_alerts(services, PROM, notification("resolved_PostgreSQLDown"))
    incidents.resolve_incident(services, IncidentId(first.incident_id), by=admin)
    clock.advance(timedelta(minutes=31))
    n = notification("firing_PostgreSQLDown")
    n = replace(n, alerts=tuple(replace(a, starts_at=clock.now()) for a in n.alerts))
    second = ingest_alerts(services, PROM, n)
    assert second.route is Route.OPEN
    assert second.incident_id != first.incident_id
    # the old incident can still be reopened by hand: it no longer holds the group
    incidents.reopen_incident(services, IncidentId(first.incident_id), by=admin)


def test_alerts_raise_severity_until_a_person_sets_it(services, admin):
    warning = notification("firing_PostgreSQLDown")
    low = replace(
        warning,
        alerts=(
            replace(
                warning.alerts[0],
                labels={**warning.alerts[0].labels, "severity": "warning"},
                fingerprint="aa",
            ),
        ),
    )
    opened = ingest_alerts(services, PROM, low)
    incident_id = IncidentId(opened.incident_id)
    assert incidents.get_incident(services, incident_id, by=admin).severity is Severity.P2
    ingest_alerts(services, PROM, warning)  # the critical database alert joins: P0
    assert incidents.get_incident(services, incident_id, by=admin).severity is Severity.P0
    incidents.update_incident(services, incident_id, severity=Severity.P1, reason="false alarm", by=admin)
    critical = replace(warning, alerts=(replace(warning.alerts[0], fingerprint="bb"),))
    ingest_alerts(services, PROM, critical)
    found = incidents.get_incident(services, incident_id, by=admin)
    assert found.severity is Severity.P1  # never changed by alerts once a person set it
    assert kinds(services, admin, incident_id).count("severity_proposed") == 0  # P0 known already
    low2 = replace(low, alerts=(replace(low.alerts[0], fingerprint="cc"),))
    ingest_alerts(services, PROM, low2)
    assert incidents.get_incident(services, incident_id, by=admin).severity is Severity.P1


def test_a_more_severe_alert_is_proposed_when_a_person_set_the_severity(services, admin):
    opened = ingest_alerts(services, PROM, notification("firing_ContainerHighMemory"))
    incident_id = IncidentId(opened.incident_id)
    incidents.update_incident(services, incident_id, severity=Severity.P3, reason="cosmetic only", by=admin)
    db = notification("firing_PostgreSQLDown")
    same_group = replace(db, group_key=am("firing_ContainerHighMemory")["groupKey"])
    ingest_alerts(services, PROM, same_group)
    assert incidents.get_incident(services, incident_id, by=admin).severity is Severity.P3
    assert kinds(services, admin, incident_id).count("severity_proposed") == 1


def test_auto_resolve_only_for_p2_and_p3(services, admin):
    auto = replace(PROM, auto_resolve=True)
    p2 = ingest_alerts(services, auto, notification("firing_ContainerHighMemory"))
    cleared = notification("mixed_ContainerHighMemory")
    both = replace(
        cleared,
        alerts=tuple(
            replace(a, status=cleared.alerts[1].status, ends_at=cleared.alerts[1].ends_at)
            for a in cleared.alerts
        ),
    )
    ingest_alerts(services, auto, both)
    assert incidents.get_incident(services, IncidentId(p2.incident_id), by=admin).phase is Phase.POST_INCIDENT
    p0 = ingest_alerts(services, auto, notification("firing_PostgreSQLDown"))
    ingest_alerts(services, auto, notification("resolved_PostgreSQLDown"))
    found = incidents.get_incident(services, IncidentId(p0.incident_id), by=admin)
    assert found.phase.is_open
    assert kinds(services, admin, p0.incident_id)[-1] == "alerts_cleared"


def test_resolved_only_for_an_unknown_group_opens_nothing(services, admin):
    result = ingest_alerts(services, PROM, notification("resolved_PostgreSQLDown"))
    assert result.route is Route.IGNORE
    assert result.incident_id is None


def test_alerts_and_counts(services, admin):
    result = ingest_alerts(services, PROM, notification("mixed_ContainerHighMemory"))
    incident_id = IncidentId(result.incident_id)
    found = list_alerts(services, incident_id, by=admin)
    assert [(a.name, a.status.value) for a in found] == [
        ("ContainerHighMemory", "firing"),
        ("ContainerHighMemory", "resolved"),
    ]
    counts = alert_counts(services, [incident_id])[incident_id]
    assert (counts.firing, counts.resolved, counts.total) == (1, 1, 2)


@pytest.mark.postgres
def test_concurrent_webhooks_for_one_group_open_one_incident(services, db_url, admin):
    if not db_url.startswith("postgresql"):
        pytest.skip("the race needs concurrent writers: PostgreSQL")
    base = notification("firing_ContainerHighMemory")
    barrier = threading.Barrier(16)
    results, errors = [], []

    def post(i):
        alert = replace(base.alerts[0], fingerprint=f"{i:016x}")
        barrier.wait()
        try:
            results.append(ingest_alerts(services, PROM, replace(base, alerts=(alert,))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=post, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({r.incident_id for r in results}) == 1
    assert sum(r.route is Route.OPEN for r in results) == 1
    page = incidents.list_incidents(services, incidents.IncidentFilter(), by=admin)
    assert page.total == 1
    assert alert_counts(services, [page.items[0].id])[page.items[0].id].firing == 16
    with services.read() as uow:
        _, group = uow.alerts.current(base.group_id)
    assert (group.tally.total, group.tally.firing) == (16, 16)  # no update lost to a race


def test_changes_made_by_alerts_drive_escalation_like_any_other(services, container, admin):
    """An alert-driven severity raise re-plans the escalation and an alert-driven resolution
    stops it, exactly as when a person does it."""
    auto = replace(PROM, auto_resolve=True)
    p2 = ingest_alerts(services, auto, notification("firing_ContainerHighMemory"))
    incident_id = IncidentId(p2.incident_id)
    cleared = notification("mixed_ContainerHighMemory")
    both = replace(
        cleared,
        alerts=tuple(
            replace(a, status=cleared.alerts[1].status, ends_at=cleared.alerts[1].ends_at)
            for a in cleared.alerts
        ),
    )
    ingest_alerts(services, auto, both)
    timeline = [e.kind.value for e in incidents.get_timeline(services, incident_id, by=admin)]
    assert timeline.index("escalation_stopped") > timeline.index("resolved")
