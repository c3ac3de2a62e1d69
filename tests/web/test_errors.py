"""Every error is an RFC 9457 problem; domain errors are mapped in one place."""

from __future__ import annotations

import json

import pytest
from structlog.testing import capture_logs

from tocsin.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tocsin.web.errors import domain_problem, validation_errors


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("incident 1 does not exist"), 404),
        (InvalidTransition("cannot close an incident in phase 'detection'"), 409),
        (Conflict("a token named ci exists"), 409),
        (InvalidInput("title: must not be empty"), 422),
        (PermissionDenied("closing requires the responder role"), 403),
        (DomainError("something new"), 400),
    ],
)
def test_domain_errors_map_to_statuses(error, status):
    response = domain_problem(error)

    assert response.status_code == status
    assert response.media_type == "application/problem+json"
    body = json.loads(bytes(response.body))
    assert body["status"] == status
    assert body["detail"] == error.detail
    assert body["title"] == error.title
    assert body["type"].startswith("urn:tocsin:problem:")


def test_an_invalid_input_about_one_field_names_it():
    body = json.loads(bytes(domain_problem(InvalidInput("title: must not be empty")).body))

    assert body["errors"] == [{"field": "title", "message": "must not be empty"}]


def test_validation_errors_name_the_field_and_the_allowed_values():
    errors = [
        {
            "type": "enum",
            "loc": ("query", "phase"),
            "msg": "Input should be ...",
            "input": "done",
            "ctx": {"expected": "'detection', 'triage' or 'closed'"},
        },
        {"type": "missing", "loc": ("body", "impact", "features_down", 0), "msg": "Field required"},
    ]

    assert validation_errors(errors) == [
        {
            "field": "phase",
            "in": "query",
            "message": "unknown value 'done': allowed values are detection, triage, closed",
            "allowed": ["detection", "triage", "closed"],
        },
        {"field": "impact.features_down.0", "in": "body", "message": "Field required"},
    ]


def test_malformed_json_is_a_422_problem(client, as_responder):
    response = client.post(
        "/api/v1/incidents",
        content=b'{"title": "x", "severity": ',
        headers={**as_responder, "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "body", "in": "body", "message": "the request body is not valid JSON"}
    ]


def test_an_unknown_route_is_a_404_problem(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:tocsin:problem:not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "no such resource: /api/v1/nothing-here",
    }


def test_a_wrong_method_is_a_405_problem(client, as_responder):
    response = client.delete("/api/v1/incidents", headers=as_responder)

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert "allow" in response.headers


def test_an_unexpected_error_is_a_500_problem_without_internals(client, container, as_responder, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("tocsin.services.incidents.incidents.list_incidents", explode)

    with capture_logs() as logs:  # also spares the console renderer's slow traceback
        response = client.get("/api/v1/incidents", headers=as_responder)

    assert response.status_code == 500
    assert [line["error"] for line in logs if line["event"] == "unhandled_error"] == ["RuntimeError"]
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in response.text


def test_a_union_field_is_named_in_words_not_in_pydantic_types(client, as_admin):
    """``components`` takes a list of keys or a map of key -> status: a wrong type is one
    sentence about the field, and a wrong status inside the map names that entry alone."""
    created = client.post("/api/v1/incidents", json={"title": "x", "severity": "P1"}, headers=as_admin)
    url = f"/api/v1/incidents/{created.json()['id']}/status-updates"

    wrong_type = client.post(url, json={"status": "investigating", "components": 5}, headers=as_admin)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"] == "components: Input should be a valid list or dictionary"

    wrong_status = client.post(
        url, json={"status": "investigating", "components": {"api": "on fire"}}, headers=as_admin
    )
    detail = wrong_status.json()["detail"]
    assert detail.startswith("components.api: unknown value 'on fire': allowed values are operational")
    assert "[" not in detail
