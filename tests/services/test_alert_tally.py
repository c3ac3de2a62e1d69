"""The running tally an alert group keeps of its incident's alerts (total, firing, per
severity) always equals what counting the alerts gives, whatever arrives; and it is what
"all alerts cleared" and the incident's severity are decided from."""

from __future__ import annotations

import json

from tests.intake_fixtures import all_alertmanager
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.domain.alert import AlertStatus, AlertTally, Notification
from tocsin.domain.fingerprint import fingerprint
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.services.incidents import incidents
from tocsin.services.intake.alerts import list_alerts
from tocsin.services.intake.ingest import ingest_alerts

PROM = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)


def stored_tally(services, notification: Notification) -> AlertTally:
    with services.read() as uow:
        current = uow.alerts.current(notification.group_id)
    assert current is not None
    return current[1].tally


def counted(services, admin, incident_id: int) -> AlertTally:
    found = list_alerts(services, IncidentId(incident_id), by=admin)
    per = [sum(a.severity is s for a in found) for s in Severity]
    firing = sum(a.status is AlertStatus.FIRING for a in found)
    return AlertTally(len(found), firing, (per[0], per[1], per[2], per[3]))


def body(group: str, alerts: list[tuple[str, str, str]]) -> dict:
    """An Alertmanager v4 body: ``alerts`` as (instance, severity label, status)."""
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{group}"}}',
        "status": "firing",
        "receiver": "tocsin",
        "groupLabels": {"alertname": group},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "truncatedAlerts": 0,
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": group, "instance": instance, "severity": severity},
                "annotations": {"summary": f"{group} on {instance}"},
                "startsAt": "2026-11-27T10:00:00Z",
                "endsAt": "2026-11-27T10:30:00Z" if status == "resolved" else "0001-01-01T00:00:00Z",
                "generatorURL": "",
                "fingerprint": fingerprint({"alertname": group, "instance": instance}),
            }
            for instance, severity, status in alerts
        ],
    }


def test_every_fixture_leaves_a_tally_equal_to_the_count(services, admin):
    for path in all_alertmanager():
        notification = parse_alertmanager(json.loads(path.read_text()), source="prom")
        result = ingest_alerts(services, PROM, notification)
        if result.incident_id is None:
            continue
        assert stored_tally(services, notification) == counted(services, admin, result.incident_id), path.name


def test_a_group_of_many_alerts_sent_a_few_at_a_time(services, admin):
    """Firing one by one, some re-sent, one re-classified, then resolved a few at a time: the
    tally follows, and the last resolution (none of the others mentioned) clears the incident."""
    instances = [f"web-{n}" for n in range(40)]
    for i in range(0, 40, 4):
        batch = [(name, "warning", "firing") for name in instances[i : i + 4]]
        result = ingest_alerts(services, PROM, parse_alertmanager(body("HighLatency", batch), source="prom"))
    incident_id = result.incident_id
    # a repeat, and one alert now critical (re-classified: severity label changed)
    notification = parse_alertmanager(
        body("HighLatency", [("web-0", "warning", "firing"), ("web-1", "critical", "firing")]), source="prom"
    )
    ingest_alerts(services, PROM, notification)
    assert stored_tally(services, notification) == counted(services, admin, incident_id)
    assert stored_tally(services, notification).total == 40

    for i in range(0, 40, 8):
        batch = [(name, "warning", "resolved") for name in instances[i : i + 8]]
        notification = parse_alertmanager(body("HighLatency", batch), source="prom")
        ingest_alerts(services, PROM, notification)
        tally = stored_tally(services, notification)
        assert tally == counted(services, admin, incident_id)
        assert tally.firing == 40 - (i + 8)

    kinds = [e.kind.value for e in incidents.get_timeline(services, IncidentId(incident_id), by=admin)]
    assert kinds.count("alerts_cleared") == 1
    assert kinds[-1] == "alerts_cleared"
