from __future__ import annotations


def test_a_report_opens_an_incident_and_a_second_one_attaches(client, as_viewer, as_responder, as_admin):
    body = {
        "title": "Users cannot log in",
        "description": "since 14:25",
        "severity": "P1",
        "service": "frontend",
    }
    first = client.post("/api/v1/reports", json=body, headers=as_responder)
    assert first.status_code == 201, first.text
    assert first.json()["new_incident"] is True
    second = client.post("/api/v1/reports", json=body, headers=as_admin).json()
    assert second["incident_id"] == first.json()["incident_id"]
    assert second["new_incident"] is False
    found = client.get(first.headers["Location"], headers=as_viewer).json()
    assert (found["source"], found["severity"], found["alerts"]["firing"]) == ("user report", "P1", 2)
    again = client.post("/api/v1/reports", json=body, headers=as_admin).json()
    assert again["incident_id"] == first.json()["incident_id"]
    assert client.get("/api/v1/incidents", headers=as_viewer).json()["total"] == 1


def test_reports_without_severity_are_p3_and_bad_ones_are_422(client, as_viewer, as_responder):
    created = client.post(
        "/api/v1/reports", json={"title": "Typo on pricing page"}, headers=as_responder
    ).json()
    found = client.get(f"/api/v1/incidents/{created['incident_id']}", headers=as_viewer).json()
    assert found["severity"] == "P3"
    assert client.post("/api/v1/reports", json={"title": ""}, headers=as_responder).status_code == 422
    assert (
        client.post(
            "/api/v1/reports", json={"title": "x", "severity": "P9"}, headers=as_responder
        ).status_code
        == 422
    )
    assert client.post("/api/v1/reports", json={"title": "x"}).status_code == 401


def test_a_viewer_cannot_page_anyone_with_a_report(client, as_viewer):
    """Viewers read: a P0 report would page the Lead Engineer and the CTO."""
    refused = client.post(
        "/api/v1/reports", json={"title": "Everything is down", "severity": "P0"}, headers=as_viewer
    )

    assert refused.status_code == 403
    assert "responder" in refused.json()["detail"]
    assert client.get("/api/v1/incidents", headers=as_viewer).json()["total"] == 0
