"""The webhooks' lean path answers POSTs like the routed endpoint would, labelled by route."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from tests.intake_fixtures import am
from tocsin.config import Settings

TOKEN = "s3cret-token"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    sources = {"prom": {"kind": "alertmanager", "token": TOKEN}}
    return Settings.model_validate({"database": {"url": db_url}, "sources": sources})


def test_webhooks_are_labelled_by_their_route_template(client):
    assert (
        client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER).status_code
        == 200
    )
    assert client.post("/hooks/grafana/prom", json={}, headers=BEARER).status_code == 404
    text = client.get("/metrics").text
    assert 'method="POST",route="/hooks/alertmanager/{source}",status="200"' in text
    assert 'method="POST",route="/hooks/grafana/{source}",status="404"' in text


def test_other_methods_and_paths_go_to_the_router(client):
    assert client.get("/hooks/alertmanager/prom").status_code == 405
    assert client.post("/hooks/alertmanager/prom/extra", json={}, headers=BEARER).status_code == 404
    assert client.post("/hooks/other/prom", json={}, headers=BEARER).status_code == 404


def test_a_webhook_answer_carries_its_request_id_and_is_logged(client):
    with capture_logs() as logs:
        response = client.post(
            "/hooks/alertmanager/prom",
            json=am("firing_PostgreSQLDown"),
            headers={**BEARER, "X-Request-ID": "am-42"},
        )

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "am-42"
    lines = [e for e in logs if e["event"] == "http_request"]
    assert [(e["route"], e["status"], e["request_id"]) for e in lines] == [
        ("/hooks/alertmanager/{source}", 200, "am-42")
    ]
    assert TOKEN not in repr(logs)


def test_an_unexpected_failure_is_a_logged_500_problem_and_the_next_webhook_works(app, client, monkeypatch):
    writer = app.state.intake_writer
    real = writer.submit

    async def broken(_item):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "submit", broken)
    with capture_logs() as logs:
        failed = client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER)
    monkeypatch.setattr(writer, "submit", real)
    after = client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER)

    assert failed.status_code == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert "disk on fire" not in failed.text
    assert "x-request-id" in failed.headers
    assert any(e["event"] == "unhandled_error" and e["error"] == "RuntimeError" for e in logs)
    assert after.status_code == 200
    assert 'route="/hooks/alertmanager/{source}",status="500"' in client.get("/metrics").text
