"""The application as a whole: OpenAPI, authentication on every API route, independence."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

from starlette.routing import BaseRoute, Route

from tocsin.web.api.evidence import UPLOAD_PATH
from tocsin.web.app import create_app


def walk(routes: list[BaseRoute]) -> Iterator[Route]:
    """Every route, looking inside included routers (FastAPI 0.165 keeps them nested)."""
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:
            yield from walk(nested.routes)
        elif isinstance(route, Route):
            yield route


def api_operations(app) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in walk(app.routes)
        if route.path.startswith("/api/v1/") and route.path not in {"/api/v1/openapi.json", "/api/v1/docs"}
        for method in route.methods or ()
    }


def test_openapi_is_served_under_the_api(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "tocsin"
    assert "/api/v1/incidents/{incident_id}/acknowledge" in document["paths"]
    scheme = document["components"]["securitySchemes"]["HTTPBearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert client.get("/api/v1/docs").status_code == 200


def test_every_api_route_requires_a_token(app, client):
    documented = {
        (method.upper(), path)
        for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items()
        for method in operations
    }
    operations = api_operations(app)
    # the walk saw every documented operation, and no undocumented one hides from this test
    assert operations == documented
    # the walk is not vacuous: the core operations are among those checked
    assert {
        ("POST", "/api/v1/incidents"),
        ("POST", "/api/v1/incidents/{incident_id}/acknowledge"),
    } <= operations

    for method, path in sorted(operations):
        response = client.request(method, re.sub(r"\{[^}]+\}", "1", path))
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"] == "Bearer"


def test_every_api_operation_declares_bearer_security(client):
    for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"HTTPBearer": []}], (method, path)


def test_endpoints_are_sync(app):
    """The services are synchronous: an ``async def`` endpoint calling them would block the
    event loop, while a plain ``def`` runs in the thread pool."""
    ours = [
        route
        for route in walk(app.routes)
        if not route.path.startswith(("/api/v1/openapi", "/api/v1/docs", "/docs"))
    ]

    assert {"/api/v1/incidents", "/healthz", "/"} <= {route.path for route in ours}
    for route in ours:
        if route.path.startswith("/hooks/") or re.match(
            UPLOAD_PATH, route.path.replace("{incident_id}", "1")
        ):
            # webhooks and evidence uploads await their body (size-capped, streamed) then run
            # the service in the thread pool
            continue
        assert not inspect.iscoroutinefunction(route.endpoint), route.path


def test_apps_are_independent(container):
    """Two apps in one process each have their own metrics registry (no duplicate series)."""
    first, second = create_app(container), create_app(container)

    assert first.state.metrics.registry is not second.state.metrics.registry
