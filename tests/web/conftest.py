"""Web fixtures: the app over the test container, a TestClient, and one token per role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tocsin.bootstrap import Container
from tocsin.domain.access import Actor, Role
from tocsin.services.access.tokens import create_token
from tocsin.web.app import create_app


@pytest.fixture
def app(container: Container) -> FastAPI:
    return create_app(container)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 500 must come back as a problem response, as in production
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def tokens(container: Container, admin: Actor) -> dict[Role, dict[str, str]]:
    """Authorization headers for a viewer, a responder and an admin token."""
    headers = {}
    for role in Role:
        _, secret = create_token(container.services, name=f"{role.value}-token", role=role, by=admin)
        headers[role] = bearer(secret)
    return headers


@pytest.fixture
def as_responder(tokens: dict[Role, dict[str, str]]) -> dict[str, str]:
    return tokens[Role.RESPONDER]


@pytest.fixture
def as_viewer(tokens: dict[Role, dict[str, str]]) -> dict[str, str]:
    return tokens[Role.VIEWER]


@pytest.fixture
def as_admin(tokens: dict[Role, dict[str, str]]) -> dict[str, str]:
    return tokens[Role.ADMIN]
