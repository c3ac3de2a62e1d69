"""``GET /api/v1/incidents/{id}/pages``: who has been told, per person and method, with state
and times; a restricted incident is 404 without clearance."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.paging_plan import drain, plan
from tocsin.config import Settings
from tocsin.domain.access import Role


@pytest.fixture
def settings(db_url):
    config = plan(db_url, console=True)
    config["people"]["sofia"]["rules"] = [{"channel": "console", "after": "2m"}]
    return Settings.model_validate(config)


def test_pages_show_each_method_pending_then_sent(client, container, clock, as_responder, as_viewer):
    created = client.post(
        "/api/v1/incidents", json={"title": "Login fail", "severity": "P1"}, headers=as_responder
    )
    incident_id = created.json()["id"]
    [page] = client.get(f"/api/v1/incidents/{incident_id}/pages", headers=as_viewer).json()
    assert (page["person"], page["name"], page["channel"], page["purpose"]) == (
        "sofia",
        "Sofia Lambert",
        "console",
        "page",
    )
    assert (page["status"], page["sent_at"], page["batch"]) == ("pending", None, 1)
    clock.advance(timedelta(minutes=2))
    drain(container)
    [page] = client.get(f"/api/v1/incidents/{incident_id}/pages", headers=as_viewer).json()
    assert page["status"] == "sent"
    assert page["sent_at"] == page["status_at"] == page["due_at"]


def test_a_restricted_incidents_pages_are_404_without_clearance(client, tokens, as_viewer):
    created = client.post(
        "/api/v1/incidents",
        json={"title": "Token leak", "severity": "P1", "security": True},
        headers=tokens[Role.SECURITY],
    )
    incident_id = created.json()["id"]
    assert client.get(f"/api/v1/incidents/{incident_id}/pages", headers=as_viewer).status_code == 404
    assert (
        client.get(f"/api/v1/incidents/{incident_id}/pages", headers=tokens[Role.SECURITY]).status_code == 200
    )
    assert client.get("/api/v1/incidents/999/pages", headers=as_viewer).status_code == 404
    assert client.get(f"/api/v1/incidents/{incident_id}/pages").status_code == 401
