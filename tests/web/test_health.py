"""Liveness, readiness (database reachable and schema current)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.web.app import create_app


def client_for(url: str, clock) -> TestClient:
    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}), clock=clock)
    return TestClient(create_app(container), base_url="http://127.0.0.1")


def test_healthz_always_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_on_a_migrated_database(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "schema": migrate.head()}


def test_readyz_is_503_on_an_unmigrated_database(tmp_path, clock):
    with client_for(f"sqlite:///{tmp_path / 'empty.db'}", clock) as client:
        response = client.get("/readyz")
        liveness = client.get("/healthz")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "no revision" in response.json()["detail"]
    assert "tocsin db upgrade" in response.json()["detail"]
    assert liveness.status_code == 200


def test_readyz_is_503_when_the_database_is_unreachable(clock):
    # port 1 on loopback: nothing listens there, the connection is refused at once
    with client_for("postgresql+psycopg://tocsin@127.0.0.1:1/tocsin?connect_timeout=2", clock) as client:
        response = client.get("/readyz")
        liveness = client.get("/healthz")

    assert response.status_code == 503
    assert "unreachable" in response.json()["detail"]
    assert liveness.status_code == 200
