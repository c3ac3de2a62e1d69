"""Two app replicas over one database (the scale-out deployment): nothing is done twice.

Each replica has its own container (engine and pool), as two `tocsin serve --no-worker`
processes would. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from tocsin import bootstrap
from tocsin.web.app import create_app

URL = "/api/v1/incidents"


@pytest.fixture
def replicas(container, settings, clock):
    second = bootstrap.build(settings, clock=clock)
    apps = [create_app(container), create_app(second)]
    clients = [TestClient(app, base_url="http://127.0.0.1") for app in apps]
    for client in clients:
        client.__enter__()
        # FastAPI 0.165 resolves routes lazily on the first request, mutating the route
        # parameters the two apps share (module-level routers). Two apps in one process is a
        # test artefact (a real replica is a process), so warm each one up before the race.
        client.get("/api/v1/incidents", params={"limit": 1})
    yield clients
    for client in clients:
        client.__exit__(None, None, None)
    second.close()


def test_concurrent_acknowledgements_across_replicas_ack_once(replicas, as_responder):
    incident = (
        replicas[0].post(URL, json={"title": "API down", "severity": "P0"}, headers=as_responder).json()
    )
    ack = f"{URL}/{incident['id']}/acknowledge"

    def acknowledge(i: int) -> int:
        return replicas[i % 2].post(ack, headers=as_responder).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(pool.map(acknowledge, range(16)))

    assert statuses == {200: 1, 409: 15}
    timeline = replicas[1].get(f"{URL}/{incident['id']}/timeline", headers=as_responder).json()
    assert [e["kind"] for e in timeline if e["kind"] in {"declared", "acknowledged"}] == [
        "declared",
        "acknowledged",
    ]
    assert [e["kind"] for e in timeline].count("escalation_stopped") == 1  # stopped once, by the one ack


def test_concurrent_declarations_across_replicas_get_distinct_ids(replicas, as_responder):
    def declare(i: int) -> int:
        body = {"title": f"incident {i}", "severity": "P2"}
        response = replicas[i % 2].post(URL, json=body, headers=as_responder)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(declare, range(24)))

    assert sorted(ids) == list(range(1, 25))
    listed = replicas[0].get(URL, params={"limit": 100}, headers=as_responder).json()
    assert listed["total"] == 24
