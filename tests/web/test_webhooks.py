"""Alertmanager webhooks end to end: every captured fixture, auth, status codes, replays."""

from __future__ import annotations

import base64
import json

import pytest

from tests.intake_fixtures import all_alertmanager, am, am_raw
from tocsin.config import Settings

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
URL = "/hooks/alertmanager/prom"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "sources": {
                "prom": {"kind": "alertmanager", "token": TOKEN},
                "basic": {"kind": "alertmanager", "username": "am", "password": "pw"},
                "graf": {"kind": "grafana", "token": TOKEN},
            },
            "intake": {"max_body_bytes": 64 * 1024},
        }
    )


def post(client, body, url=URL, headers=BEARER):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(url, content=data, headers={**headers, "Content-Type": "application/json"})


def incident(client, headers, incident_id):
    return client.get(f"/api/v1/incidents/{incident_id}", headers=headers).json()


INTAKE_KINDS = {"declared", "alert_fired", "alert_resolved", "alerts_cleared", "alerts_truncated"}


def timeline(client, headers, incident_id):
    """The timeline events intake writes (other features may add their own)."""
    events = client.get(f"/api/v1/incidents/{incident_id}/timeline", headers=headers).json()
    return [e for e in events if e["kind"] in INTAKE_KINDS]


# (fixture, expected severity) — the plan's default label rules
EXPECTED = {
    "am025_firing_BackupNotRunRecently_email-critical.json": "P1",
    "am025_firing_BackupSizeAnomaly_email-backup_synthetic.json": "P3",
    "am025_firing_ContainerHighMemory_2alerts_email-warning.json": "P2",
    "am025_firing_PostgreSQLDown_email-critical.json": "P0",
    "am025_firing_UserReportedIssue_email-default_synthetic.json": "P3",
    "am025_mixed_ContainerHighMemory_1firing_1resolved.json": "P2",
    "am025_resolved_PostgreSQLDown_email-critical.json": "P0",
    "am025_truncated_max_alerts2_of4.json": "P2",
}


def test_every_fixture_is_listed():
    assert sorted(p.name for p in all_alertmanager()) == sorted(EXPECTED)


def test_every_fixture_lands_in_the_right_incident_with_the_right_severity(client, as_viewer):
    """Posted in file order: the mixed batch joins the 2-alert group, the resolved one its
    firing group; six groups, six incidents."""
    by_group: dict[str, int] = {}
    for path in all_alertmanager():
        body = json.loads(path.read_text())
        response = post(client, path.read_bytes())
        assert response.status_code == 200, response.text
        incident_id = response.json()["incident_id"]
        assert by_group.setdefault(body["groupKey"], incident_id) == incident_id
        found = incident(client, as_viewer, incident_id)
        assert found["severity"] == EXPECTED[path.name], path.name
        assert found["source"] == "alertmanager:prom"
    assert len(set(by_group.values())) == 6
    listed = client.get("/api/v1/incidents?limit=200", headers=as_viewer).json()
    assert listed["total"] == 6


def test_firing_then_resolved_clears_the_incident(client, as_viewer):
    opened = post(client, am("firing_PostgreSQLDown")).json()
    assert opened["route"] == "open"
    resolved = post(client, am("resolved_PostgreSQLDown")).json()
    assert resolved["incident_id"] == opened["incident_id"]
    assert resolved["accepted"] == 1
    kinds = [e["kind"] for e in timeline(client, as_viewer, opened["incident_id"])]
    assert kinds == ["declared", "alert_fired", "alert_resolved", "alerts_cleared"]
    found = incident(client, as_viewer, opened["incident_id"])
    assert found["open"] is True  # P0: a person resolves it, never the alerts
    alerts = client.get(f"/api/v1/incidents/{opened['incident_id']}/alerts", headers=as_viewer).json()
    assert [(a["fingerprint"], a["status"]) for a in alerts] == [("6895d57860639e04", "resolved")]


def test_replays_are_idempotent(client, as_viewer):
    first = post(client, am_raw("firing_ContainerHighMemory")).json()
    again = post(client, am_raw("firing_ContainerHighMemory")).json()
    assert again == {**first, "route": "attach", "accepted": 0, "duplicates": 2}
    assert len(timeline(client, as_viewer, first["incident_id"])) == 3  # declared + 2 fired
    post(client, am_raw("mixed_ContainerHighMemory"))
    post(client, am_raw("mixed_ContainerHighMemory"))
    post(client, am_raw("firing_ContainerHighMemory"))  # an old firing replayed after resolution
    events = timeline(client, as_viewer, first["incident_id"])
    assert [e["kind"] for e in events].count("alert_resolved") == 1
    assert [e["kind"] for e in events].count("alert_fired") == 2


def test_truncated_alerts_are_recorded_and_shown(client, as_viewer):
    result = post(client, am("truncated")).json()
    found = incident(client, as_viewer, result["incident_id"])
    assert found["alerts"] == {"firing": 2, "resolved": 0, "total": 2, "truncated": 2}
    texts = [e["text"] for e in timeline(client, as_viewer, result["incident_id"])]
    assert any("left out 2 alert(s)" in t for t in texts)


def test_basic_auth(client):
    good = base64.b64encode(b"am:pw").decode()
    bad = base64.b64encode(b"am:nope").decode()
    url = "/hooks/alertmanager/basic"
    assert (
        post(client, am("firing_PostgreSQLDown"), url, {"Authorization": f"Basic {good}"}).status_code == 200
    )
    assert (
        post(client, am("firing_PostgreSQLDown"), url, {"Authorization": f"Basic {bad}"}).status_code == 401
    )
    assert post(client, am("firing_PostgreSQLDown"), url, BEARER).status_code == 401


@pytest.mark.parametrize(
    ("url", "headers", "status"),
    [
        ("/hooks/alertmanager/nope", BEARER, 404),
        ("/hooks/alertmanager/graf", BEARER, 404),  # a grafana source is not an alertmanager one
        (URL, {}, 401),
        (URL, {"Authorization": "Bearer wrong"}, 401),
        (URL, {"Authorization": "Bearer"}, 401),
    ],
)
def test_unknown_sources_and_bad_credentials(client, as_viewer, url, headers, status):
    response = post(client, am("firing_PostgreSQLDown"), url, headers)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/incidents", headers=as_viewer).json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"[]", 422, "$"),
        (json.dumps({"version": "4", "alerts": []}).encode(), 422, "$.groupKey"),
        (
            json.dumps({**am("firing_PostgreSQLDown"), "alerts": [{"status": "firing"}]}).encode(),
            422,
            "$.alerts[0].labels",
        ),
        (
            json.dumps(
                {
                    **am("firing_PostgreSQLDown"),
                    "alerts": [{**am("firing_PostgreSQLDown")["alerts"][0], "startsAt": "yesterday"}],
                }
            ).encode(),
            422,
            "$.alerts[0].startsAt",
        ),
        (json.dumps({**am("firing_PostgreSQLDown"), "version": "3"}).encode(), 422, "$.version"),
    ],
)
def test_bad_bodies_name_the_json_path(client, as_viewer, body, status, field):
    response = post(client, body)
    assert response.status_code == status, response.text
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/incidents", headers=as_viewer).json()["total"] == 0


def test_a_body_over_the_limit_is_413(client):
    big = am("firing_PostgreSQLDown")
    big["commonAnnotations"]["padding"] = "x" * (64 * 1024)
    assert post(client, big).status_code == 413


def test_counters_per_source_and_outcome(client):
    post(client, am("firing_PostgreSQLDown"))
    post(client, am("firing_PostgreSQLDown"))
    post(client, b"{", URL)
    post(client, am("firing_PostgreSQLDown"), "/hooks/alertmanager/who")
    text = client.get("/metrics").text
    assert 'tocsin_intake_notifications_total{outcome="accepted",source="prom"} 1.0' in text
    assert 'tocsin_intake_notifications_total{outcome="duplicate",source="prom"} 1.0' in text
    assert 'tocsin_intake_notifications_total{outcome="rejected",source="prom"} 1.0' in text
    assert 'tocsin_intake_notifications_total{outcome="rejected",source="unknown"} 1.0' in text
    assert 'tocsin_intake_alerts_total{outcome="accepted",source="prom"} 1.0' in text
