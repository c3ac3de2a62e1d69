"""UI fixtures: accounts for each role (hashed with cheap argon2 parameters) and signing in."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tocsin import bootstrap
from tocsin.adapters.passwords import Argon2Passwords
from tocsin.domain.access import Actor, Role
from tocsin.services.access.users import create_user

PASSWORD = "correct horse battery staple"
EMAILS = {role: f"{role.value}@example.org" for role in Role}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def container(settings, clock) -> Iterator[bootstrap.Container]:
    built = bootstrap.build(settings, clock=clock)
    try:
        yield dataclasses.replace(built, passwords=Argon2Passwords(time_cost=1, memory_cost=1024))
    finally:
        built.close()


@pytest.fixture
def accounts(container: bootstrap.Container, admin: Actor) -> dict[Role, str]:
    for role, email in EMAILS.items():
        create_user(
            container.services, container.passwords, email=email, role=role, password=PASSWORD, by=admin
        )
    return EMAILS


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD):
    token = csrf_of(client.get("/sign-in").text)
    return client.post(
        "/sign-in", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )


@pytest.fixture
def as_role(client: TestClient, accounts: dict[Role, str]):
    """Sign the client in with the account of a role; returns the page's CSRF token."""

    def signed(role: Role) -> str:
        response = sign_in(client, accounts[role])
        assert response.status_code == 303, response.text
        return csrf_of(client.get("/").text)

    return signed
