"""The database unreachable: every route answers 503 with ``Retry-After`` (the client may send
the same request again; nothing was changed), never a 500. Webhooks have their own 503
(tests/web/test_intake_edges.py); the public status page serves its last rendering
(tests/web/statuspage/test_front_door.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from tests.tcp_proxy import TcpProxy
from tests.web.test_app import walk
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.services.access.tokens import PREFIX, create_token
from tocsin.web.app import create_app
from tocsin.web.ui.route import UiRoute

# port 1 on loopback: nothing listens there, every connection is refused at once
REFUSED = "postgresql+psycopg://tocsin@127.0.0.1:1/tocsin?connect_timeout=2"
WELL_FORMED_TOKEN = {"Authorization": f"Bearer {PREFIX}{'a' * 40}"}
SESSION = {"Cookie": "tocsin_session=" + "s" * 43}
# Paths that never touch the database: liveness, the docs, the static files.
NO_STORE = {"/healthz", "/api/v1/openapi.json", "/api/v1/docs", "/docs/oauth2-redirect"}


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_is_503_with_retry_after_while_the_database_refuses_connections(clock):
    container = bootstrap.build(Settings.model_validate({"database": {"url": REFUSED}}), clock=clock)
    app = create_app(container)
    seen: dict[int, list[str]] = {}
    try:
        with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
            for route in walk(app.routes):
                if route.path in NO_STORE or route.path.startswith("/hooks/"):
                    continue
                for method in sorted((route.methods or set()) - {"HEAD"}):
                    api = route.path.startswith("/api/")
                    response = client.request(
                        method,
                        _sample(route.path),
                        headers=WELL_FORMED_TOKEN if api else SESSION,
                        json={} if api and method != "GET" else None,
                        data={"csrf": "x"} if not api and method == "POST" else None,
                        follow_redirects=False,
                    )
                    seen.setdefault(response.status_code, []).append(f"{method} {route.path}")
                    if response.status_code == 503:
                        assert response.headers["retry-after"] == "5", route.path
                        kind = "text/html" if isinstance(route, UiRoute) else "application/problem+json"
                        assert response.headers["content-type"].startswith(kind), route.path
    finally:
        container.close()

    assert 500 not in seen, seen[500]
    api = [r for r in seen.get(503, []) if " /api/v1/" in r]
    ui = [r for r in seen.get(503, []) if " /api/" not in r]
    assert {"GET /api/v1/incidents", "POST /api/v1/incidents/{incident_id}/acknowledge"} <= set(api)
    assert {"GET /", "GET /incidents/{incident_id}", "POST /incidents/{incident_id}/acknowledge"} <= set(ui)
    assert len(api) > 40  # the sweep reached the routes behind authentication


@pytest.fixture
def proxied(db_url):
    """A PostgreSQL database reached through a proxy the test can cut."""
    url = make_url(db_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a TCP outage needs a database server (PostgreSQL)")
    proxy = TcpProxy((url.host or "127.0.0.1", url.port or 5432)).start()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.stop()


def test_postgresql_going_away_and_coming_back(proxied, clock):
    """The outage as seen on the current build: 500 on /api/v1 while PostgreSQL refused."""
    proxy, url = proxied
    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}), clock=clock)
    _, secret = create_token(container.services, name="t", role=Role.RESPONDER, by=Actor("alice", Role.ADMIN))
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        with TestClient(
            create_app(container), base_url="http://127.0.0.1", raise_server_exceptions=False
        ) as client:
            created = client.post(
                "/api/v1/incidents", json={"title": "API down", "severity": "P1"}, headers=headers
            )
            assert created.status_code == 201, created.text
            incident = created.json()["id"]

            proxy.cut()
            during = [
                client.get(f"/api/v1/incidents/{incident}", headers=headers),
                client.post(f"/api/v1/incidents/{incident}/acknowledge", headers=headers),
                client.post("/api/v1/incidents", json={"title": "x", "severity": "P3"}, headers=headers),
            ]
            proxy.restore()
            after = client.post(f"/api/v1/incidents/{incident}/acknowledge", headers=headers)
            listed = client.get("/api/v1/incidents", headers=headers).json()
    finally:
        container.close()

    assert [r.status_code for r in during] == [503, 503, 503]
    assert all(r.headers["retry-after"] == "5" for r in during)
    assert during[0].json()["detail"] == "the database is unavailable; nothing was changed, retry later"
    assert after.status_code == 200  # the same request, sent again, works: nothing half-done
    assert listed["total"] == 1
