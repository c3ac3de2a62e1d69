"""Scheduled maintenance: scheduled → in_progress → verifying → completed, on the page and in
the v2 JSON; components show under_maintenance while it is in progress."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient

from tocsin.adapters.clock import ManualClock

WINDOW = {
    "name": "Payment provider migration",
    "message": "We will migrate to a new payment provider.",
    "scheduled_for": "2026-11-28T22:00:00Z",
    "scheduled_until": "2026-11-28T23:30:00+00:00",
    "components": ["payments"],
}


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _schedule(client: TestClient, headers: dict[str, str]) -> str:
    response = client.post("/api/v1/maintenances", json=WINDOW, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _statuses(client: TestClient) -> dict[str, str]:
    components = client.get("/status/api/v2/components.json").json()["components"]
    return {c["name"]: c["status"] for c in components if not c["group"]}


def test_the_lifecycle_on_the_page_and_in_json(client, clock: ManualClock, as_responder):
    maintenance_id = _schedule(client, as_responder)
    page = _text(client.get("/status/").text)
    assert "Upcoming maintenance" in page
    assert "Payment provider migration" in page
    assert "Scheduled: 2026-11-28 22:00 – 2026-11-28 23:30 UTC · Affects: Payments" in page
    assert "Scheduled - We will migrate to a new payment provider." in page
    assert _statuses(client)["Payments"] == "operational"
    upcoming = client.get("/status/api/v2/scheduled-maintenances/upcoming.json").json()
    assert [m["id"] for m in upcoming["scheduled_maintenances"]] == [maintenance_id]

    url = f"/api/v1/maintenances/{maintenance_id}/updates"
    clock.advance(timedelta(hours=36))
    response = client.post(url, json={"status": "in_progress", "message": "Under way."}, headers=as_responder)
    assert response.status_code == 201, response.text
    assert response.json()["started_at"] is not None
    page = _text(client.get("/status/").text)
    assert "Maintenance in progress" in page
    assert "Upcoming maintenance" not in page
    assert _statuses(client) == {
        "Login": "operational",
        "API": "operational",
        "Payments": "under_maintenance",
    }
    status = client.get("/status/api/v2/status.json").json()["status"]
    assert status == {"indicator": "maintenance", "description": "Service Under Maintenance"}

    clock.advance(timedelta(minutes=30))
    client.post(url, json={"status": "verifying", "message": "Checking."}, headers=as_responder)
    assert _statuses(client)["Payments"] == "under_maintenance"
    [active] = client.get("/status/api/v2/scheduled-maintenances/active.json").json()[
        "scheduled_maintenances"
    ]
    assert active["status"] == "verifying"
    assert active["monitoring_at"] is not None
    assert [u["status"] for u in active["incident_updates"]] == ["verifying", "in_progress", "scheduled"]

    clock.advance(timedelta(minutes=30))
    done = client.post(url, json={"status": "completed", "message": "All done."}, headers=as_responder)
    assert done.json()["completed_at"] is not None
    assert _statuses(client)["Payments"] == "operational"
    assert (
        client.get("/status/api/v2/scheduled-maintenances/active.json").json()["scheduled_maintenances"] == []
    )
    [listed] = client.get("/status/api/v2/scheduled-maintenances.json").json()["scheduled_maintenances"]
    assert listed["status"] == "completed"
    assert listed["resolved_at"] is not None
    assert "Payment provider migration" not in client.get("/status/").text


def test_an_incident_outage_wins_over_maintenance(client, clock, as_responder):
    maintenance_id = _schedule(client, as_responder)
    client.post(
        f"/api/v1/maintenances/{maintenance_id}/updates",
        json={"status": "in_progress", "message": "Under way."},
        headers=as_responder,
    )
    incident_id = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "P0"}, headers=as_responder
    ).json()["id"]
    client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "investigating", "message": "Down.", "components": ["payments"]},
        headers=as_responder,
    )
    assert _statuses(client)["Payments"] == "major_outage"


def test_refusals(client, as_responder, as_viewer):
    assert client.post("/api/v1/maintenances", json=WINDOW, headers=as_viewer).status_code == 403
    bad = {**WINDOW, "components": ["nope"]}
    assert client.post("/api/v1/maintenances", json=bad, headers=as_responder).status_code == 422
    backwards = {**WINDOW, "scheduled_until": "2026-11-28T21:00:00Z"}
    assert client.post("/api/v1/maintenances", json=backwards, headers=as_responder).status_code == 422
    naive = {**WINDOW, "scheduled_for": "2026-11-28T22:00:00"}
    assert client.post("/api/v1/maintenances", json=naive, headers=as_responder).status_code == 422
    maintenance_id = _schedule(client, as_responder)
    url = f"/api/v1/maintenances/{maintenance_id}/updates"
    verifying = {"status": "verifying", "message": "Checking."}
    assert client.post(url, json=verifying, headers=as_viewer).status_code == 403
    assert client.post(url, json=verifying, headers=as_responder).status_code == 201
    back = {"status": "in_progress", "message": "Again."}
    assert client.post(url, json=back, headers=as_responder).status_code == 409
    client.post(url, json={"status": "completed", "message": "Done."}, headers=as_responder)
    assert (
        client.post(url, json={"status": "completed", "message": "x"}, headers=as_responder).status_code
        == 409
    )
    missing = client.post("/api/v1/maintenances/aaaaaaaaaaaa/updates", json=verifying, headers=as_responder)
    assert missing.status_code == 404
    listed = client.get("/api/v1/maintenances", headers=as_viewer).json()
    assert [m["id"] for m in listed] == [maintenance_id]
