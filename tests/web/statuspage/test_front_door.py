"""The status page's front door answers before the app's middleware stack: still counted in the
request metrics (by route template), and still up, with its last rendering, when the database
is not."""

from __future__ import annotations

import re
from dataclasses import replace

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.web.statuspage.test_public_page import _two_updates
from tocsin import bootstrap
from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.uow import SqlUnitOfWork
from tocsin.config import Settings
from tocsin.web.app import create_app

UNREACHABLE = "postgresql+psycopg://tocsin@127.0.0.1:1/none"


def _requests(client: TestClient) -> dict[tuple[str, str], float]:
    samples = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "tocsin_http_requests_total":
                samples[sample.labels["route"], sample.labels["status"]] = sample.value
    return samples


def test_status_page_hits_are_counted_by_route_template(client, clock, as_responder):
    _two_updates(client, clock, as_responder)
    page = client.get("/status/").text
    public_id = re.search(r'href="/status/incidents/([^"]+)"', page).group(1)

    for _ in range(3):
        assert client.get(f"/status/incidents/{public_id}").status_code == 200
    assert client.get("/status/api/v2/summary.json").status_code == 200
    assert client.get("/status/no-such-page").status_code == 404
    assert client.get("/status", follow_redirects=False).status_code == 308

    counted = _requests(client)
    assert counted["/status/", "200"] == 1
    assert counted["/status/incidents/{id}", "200"] == 3
    assert counted["/status/api/v2/{document}", "200"] == 1
    assert counted["<unmatched>", "404"] == 1
    assert counted["/status/", "308"] == 1
    status_routes = {route for route, _ in counted if route.startswith("/status")}
    assert status_routes == {"/status/", "/status/incidents/{id}", "/status/api/v2/{document}"}


def test_with_the_database_down_the_last_rendering_is_served(app, client, clock, as_responder):
    _two_updates(client, clock, as_responder)
    before = client.get("/status/")
    assert before.status_code == 200

    cache = app.state.statuspage_cache
    dead = create_engine(UNREACHABLE)
    services = cache._services
    cache._services = replace(
        services, read=lambda: SqlUnitOfWork(dead, clock, max_attempts=1, read_only=True)
    )
    cache.invalidate()  # as if the revision were due for a check
    try:
        during = client.get("/status/")
        never_rendered = client.get("/status/history")
    finally:
        cache._services = services
        dead.dispose()

    assert during.status_code == 200
    assert during.text == before.text
    assert "Investigating" in during.text
    assert never_rendered.status_code == 503
    assert "temporarily unavailable" in never_rendered.text


def test_a_database_that_was_never_reachable_is_a_503_not_an_error_page(clock):
    settings = Settings.model_validate({"database": {"url": UNREACHABLE}})
    container = bootstrap.build(settings, clock=clock)
    try:
        with TestClient(create_app(container), raise_server_exceptions=False) as client:
            response = client.get("/status/api/v2/status.json")
    finally:
        container.close()

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
