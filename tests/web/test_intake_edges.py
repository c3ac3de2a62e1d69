"""Intake under trouble: database down, overload; Grafana and generic webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from fastapi.testclient import TestClient

from tests.intake_fixtures import am
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.services.intake.auth import GRAFANA_SIGNATURE
from tocsin.web.app import create_app

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
SOURCES = {
    "prom": {"kind": "alertmanager", "token": TOKEN},
    "graf": {"kind": "grafana", "hmac_secret": "test-secret"},
    "grafts": {
        "kind": "grafana",
        "token": TOKEN,
        "hmac_secret": "test-secret",
        "hmac_timestamp_header": "X-Ts",
    },
    "mon": {"kind": "generic", "token": TOKEN, "group_by": ["alertname", "service"]},
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate({"database": {"url": db_url}, "sources": SOURCES})


def test_the_database_down_is_503_and_nothing_is_lost_on_retry(clock):
    settings = Settings.model_validate(
        {"database": {"url": "postgresql+psycopg://tocsin@127.0.0.1:1/none"}, "sources": SOURCES}
    )
    container = bootstrap.build(settings, clock=clock)
    try:
        with TestClient(create_app(container), raise_server_exceptions=False) as client:
            response = client.post(
                "/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER
            )
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            text = client.get("/metrics").text
            assert 'tocsin_intake_notifications_total{outcome="unavailable",source="prom"} 1.0' in text
    finally:
        container.close()


def test_overload_is_503_at_once(app, client):
    gate = app.state.intake_gate
    gate.inside = gate.limit
    response = client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER)
    assert response.status_code == 503
    gate.inside = 0
    assert (
        client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER).status_code
        == 200
    )


def grafana_body():
    body = am("firing_ContainerHighMemory")
    body.update(version="1", orgId=1, state="alerting", title="[FIRING:2] ContainerHighMemory", message="…")
    for alert in body["alerts"]:
        alert.update(values={"A": 0.93}, silenceURL="", dashboardURL="", panelURL="")
    return json.dumps(body).encode()


def test_the_documented_hmac_vectors():
    sign = lambda message: hmac.new(b"test-secret", message, hashlib.sha256).hexdigest()  # noqa: E731
    assert sign(b'{"a":1}') == "179bf20a8b9040a32368814a68b0dc270823b5968498e0a73796c4202708ed8d"
    assert sign(b'1700000000:{"a":1}') == "a159601578dffb81514ed432c05083e159ff13d63a9118642ea4fceb9a74fe3e"


def test_grafana_with_an_hmac_signature(client, as_viewer):
    body = grafana_body()
    signature = hmac.new(b"test-secret", body, hashlib.sha256).hexdigest()
    url = "/hooks/grafana/graf"
    assert client.post(url, content=body, headers={GRAFANA_SIGNATURE: "0" * 64}).status_code == 401
    assert client.post(url, content=body).status_code == 401
    response = client.post(url, content=body, headers={GRAFANA_SIGNATURE: signature})
    assert response.status_code == 200, response.text
    found = client.get(f"/api/v1/incidents/{response.json()['incident_id']}", headers=as_viewer).json()
    assert (found["severity"], found["alerts"]["firing"], found["source"]) == ("P2", 2, "grafana:graf")


def test_grafana_with_a_signed_timestamp_and_a_token(client):
    body = grafana_body()
    signature = hmac.new(b"test-secret", b"1700000000:" + body, hashlib.sha256).hexdigest()
    headers = {**BEARER, GRAFANA_SIGNATURE: signature, "X-Ts": "1700000000"}
    assert client.post("/hooks/grafana/grafts", content=body, headers=headers).status_code == 200
    assert (
        client.post("/hooks/grafana/grafts", content=body, headers={**headers, "X-Ts": "1"}).status_code
        == 401
    )


def test_generic_webhook_groups_by_its_labels(client, as_viewer):
    url = "/hooks/generic/mon"
    first = {"title": "Disk full", "severity": "warning", "labels": {"service": "db", "host": "a"}}
    second = {**first, "labels": {"service": "db", "host": "b"}}
    other = {**first, "labels": {"service": "web", "host": "a"}}
    a = client.post(url, json=first, headers=BEARER).json()
    b = client.post(url, json=second, headers=BEARER).json()
    c = client.post(url, json=other, headers=BEARER).json()
    assert a["incident_id"] == b["incident_id"] != c["incident_id"]
    assert client.post(url, json=first, headers=BEARER).json()["duplicates"] == 1
    resolved = client.post(url, json={**first, "status": "resolved"}, headers=BEARER).json()
    assert resolved["accepted"] == 1
    found = client.get(f"/api/v1/incidents/{a['incident_id']}", headers=as_viewer).json()
    assert (found["severity"], found["alerts"]["resolved"], found["alerts"]["firing"]) == ("P2", 1, 1)


def test_generic_dedup_key_and_bad_input(client):
    url = "/hooks/generic/mon"
    body = {"title": "Checkout failing", "severity": "P1", "dedup_key": "checkout"}
    assert client.post(url, json=body, headers=BEARER).status_code == 200
    assert client.post(url, json={**body, "labels": {"x": "y"}}, headers=BEARER).json()["duplicates"] == 1
    bad = client.post(url, json={"title": ""}, headers=BEARER)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "$.title"
