"""The webhooks' lean path answers POSTs like the routed endpoint would, labelled by route."""

from __future__ import annotations

import pytest

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
