"""Bearer authentication: a missing, malformed, unknown or revoked token is a 401."""

from __future__ import annotations

import pytest

from tocsin.domain.access import Role
from tocsin.services.access.tokens import create_token, revoke_token

URL = "/api/v1/incidents"


def assert_401(response):
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_no_token_is_a_401(client):
    assert_401(client.get(URL))


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer tocsin_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "tocsin_abc",
    ],
)
def test_a_bad_token_is_a_401(client, authorization):
    assert_401(client.get(URL, headers={"Authorization": authorization}))


def test_a_revoked_token_is_a_401(client, container, admin):
    _, secret = create_token(container.services, name="ci", role=Role.RESPONDER, by=admin)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(URL, headers=headers).status_code == 200

    revoke_token(container.services, name="ci", by=admin)

    assert_401(client.get(URL, headers=headers))


def test_authentication_comes_before_validation(client):
    """An anonymous caller learns nothing about the API from validation errors."""
    assert_401(client.post(URL, json={"severity": "P9"}))
    assert_401(client.get(f"{URL}/not-an-id"))


def test_the_actor_is_the_token(client, as_admin):
    body = client.post(URL, json={"title": "x", "severity": "P3"}, headers=as_admin).json()

    assert body["declared_by"] == "token:admin-token"
