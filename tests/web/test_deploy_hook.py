"""POST /hooks/deploy/{source} and GET /api/v1/deploys: auth, shapes, limits, correlation in the
room (the rollback banner) for the PostgreSQLDown fixture with a deploy 10 minutes before."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.intake_fixtures import am_raw
from tests.paging_plan import drain
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.services.incidents import incidents

DEPLOY = {"Authorization": "Bearer deploy-token", "Content-Type": "application/json"}
AM = {"Authorization": "Bearer am-token", "Content-Type": "application/json"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "sources": {
                "prom": {"kind": "alertmanager", "token": "am-token"},
                "ci": {"kind": "deploy", "token": "deploy-token"},
            },
            "intake": {"max_body_bytes": 2048},
        }
    )


def deploy(client, body, headers=DEPLOY, url="/hooks/deploy/ci"):
    return client.post(url, content=json.dumps(body), headers=headers)


def test_a_deploy_ten_minutes_before_postgresqldown_is_the_rooms_banner(client, container, clock, as_viewer):
    at = (clock.now() - timedelta(minutes=10)).isoformat().replace("+00:00", "Z")
    body = {
        "service": "postgres-exporter",
        "version": "v1.4.2",
        "environment": "production",
        "deployed_at": at,
        "url": "https://ci.example.org/runs/42",
        "author": "rita",
        "id": "run-42",
    }
    created = deploy(client, body)
    assert created.status_code == 201, created.text
    assert created.json()["duplicate"] is False
    assert deploy(client, body).json() == {"duplicate": True, "incidents": []}

    response = client.post("/hooks/alertmanager/prom", content=am_raw("firing_PostgreSQLDown"), headers=AM)
    iid = response.json()["incident_id"]
    drain(container)
    texts = [e.text for e in incidents.get_timeline(container.services, iid, by=SYSTEM)]
    assert "Deploy v1.4.2 of postgres-exporter 10 min before detection — consider rollback" in texts

    listed = client.get("/api/v1/deploys?service=postgres-exporter", headers=as_viewer).json()
    assert [(d["version"], d["environment"], d["author"]) for d in listed] == [
        ("v1.4.2", "production", "rita")
    ]
    assert client.get("/api/v1/deploys?environment=staging", headers=as_viewer).json() == []


OK = {"service": "api", "version": "1", "environment": "production"}
CI = "/hooks/deploy/ci"


@pytest.mark.parametrize(
    ("body", "headers", "url", "status", "field"),
    [
        (OK, {**DEPLOY, "Authorization": "Bearer nope"}, CI, 401, None),
        (OK, DEPLOY, "/hooks/deploy/nope", 404, None),
        (OK, AM, "/hooks/deploy/prom", 404, None),  # an alert source is no deploy source
        ({"service": "api", "environment": "production"}, DEPLOY, CI, 422, "version"),
        ({"version": "1", "environment": "production"}, DEPLOY, CI, 422, "body"),
        ({**OK, "deployed_at": "2026-11-27T10:00"}, DEPLOY, CI, 422, "deployed_at"),  # no time zone
        ({**OK, "url": "javascript:alert(1)"}, DEPLOY, CI, 422, "url"),
        ({**OK, "colour": "red"}, DEPLOY, CI, 422, "colour"),
    ],
)
def test_bad_deploys_are_refused_and_name_the_field(client, body, headers, url, status, field, as_viewer):
    response = deploy(client, body, headers, url)
    assert response.status_code == status, response.text
    if field:
        assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get("/api/v1/deploys", headers=as_viewer).json() == []


def test_a_body_over_the_intake_limit_is_413(client):
    body = {"service": "api", "version": "1", "environment": "production", "author": "x" * 190, "url": ""}
    big = json.dumps(body).encode() + b" " * 3000
    assert client.post("/hooks/deploy/ci", content=big, headers=DEPLOY).status_code == 413
