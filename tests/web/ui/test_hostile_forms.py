"""Hostile input in the UI's forms, on both databases: an error page naming the field, never a
500 nor a problem document, and nothing written."""

from __future__ import annotations

import pytest

from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents.incidents import declare_incident, get_incident, get_timeline


@pytest.fixture
def p1(services, responder):
    return declare_incident(services, title="Payments blocked", severity=Severity.P1, by=responder)


def test_a_nul_in_a_form_field_is_an_error_page_naming_it(client, as_role, services, admin):
    token = as_role(Role.RESPONDER)
    response = client.post(
        "/incidents/new",
        data={"title": "Checkout", "severity": "P1", "summary": "a\x00b", "csrf_token": token},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "summary (body): contains a NUL character" in response.text
    assert client.get("/").status_code == 200


def test_a_nul_in_a_query_parameter_is_an_error_page_naming_it(client, as_role, p1):
    as_role(Role.RESPONDER)
    response = client.get(f"/incidents/{p1.id}?kind=a%00b")
    assert response.status_code == 422, response.text
    assert "kind (query): contains a NUL character" in response.text


@pytest.mark.parametrize("users", ["999999999999", "2147483648"])
def test_an_absurd_number_of_users_affected_is_refused(client, as_role, services, admin, p1, users):
    token = as_role(Role.RESPONDER)
    client.post(f"/incidents/{p1.id}/acknowledge", data={"csrf_token": token})
    response = client.post(
        f"/incidents/{p1.id}/impact",
        data={"users_affected": users, "features_down": "checkout", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text  # back to the room, with the message
    assert "users_affected: a number from 0 to 2,147,483,647" in client.get(f"/incidents/{p1.id}").text
    assert get_incident(services, p1.id, by=admin).impact.assessed_at is None
    assert "impact_assessed" not in [e.kind.value for e in get_timeline(services, p1.id, by=admin)]
