"""One structured log line per request, with a request id, and never the token."""

from __future__ import annotations

from structlog.testing import capture_logs


def request_lines(logs):
    return [line for line in logs if line["event"] == "http_request"]


def test_one_line_per_request_with_route_status_duration_and_id(client, as_responder):
    with capture_logs() as logs:
        response = client.get("/api/v1/incidents/77", headers=as_responder)

    [line] = request_lines(logs)
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/incidents/{incident_id}"
    assert line["status"] == 404
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response.headers["x-request-id"]


def test_the_authorization_header_is_never_logged(client, as_responder):
    secret = as_responder["Authorization"].removeprefix("Bearer ")
    with capture_logs() as logs:
        client.post("/api/v1/incidents", json={"title": "x", "severity": "P1"}, headers=as_responder)
        client.get("/api/v1/incidents", headers={"Authorization": "Bearer tocsin_wrong-secret"})

    assert len(request_lines(logs)) == 2
    assert secret not in repr(logs)
    assert "wrong-secret" not in repr(logs)


def test_a_plain_caller_request_id_is_kept_and_an_odd_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "not plain " + "x" * 100})

    fresh = client.get("/healthz").headers["x-request-id"]

    assert kept.headers["x-request-id"] == "abc-123"
    assert len(replaced.headers["x-request-id"]) == 32
    assert fresh != replaced.headers["x-request-id"]
    assert len(fresh) == 32


def test_an_oversized_body_is_a_413_problem_before_authentication(client):
    response = client.post(
        "/api/v1/incidents", json={"title": "x", "severity": "P1", "summary": "a" * 300_000}
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "x-request-id" in response.headers
