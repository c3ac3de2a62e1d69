"""Signing in: cookies, wrong passwords, the throttle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.ui.conftest import PASSWORD, csrf_of, sign_in
from tocsin.config import Settings
from tocsin.domain.access import Role


def test_signing_in_opens_a_session_cookie_that_scripts_cannot_read(client, accounts):
    response = sign_in(client, accounts[Role.RESPONDER])
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("tocsin_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1
    page = client.get("/")
    assert "Signed in as responder@example.org" in page.text


def test_sign_in_goes_back_where_the_user_was_going(client, accounts):
    token = csrf_of(client.get("/sign-in?next=/plan").text)
    response = client.post(
        "/sign-in",
        data={"email": accounts[Role.VIEWER], "password": PASSWORD, "csrf_token": token, "next": "/plan"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/plan"


def test_the_email_is_not_case_sensitive(client, accounts):
    assert sign_in(client, accounts[Role.VIEWER].upper()).status_code == 303


@pytest.mark.parametrize("email", ["viewer@example.org", "nobody@example.org"])
def test_a_wrong_password_or_email_says_the_same_thing(client, accounts, email):
    response = sign_in(client, email, "wrong password!")
    assert response.status_code == 401
    assert "Wrong email or password" in response.text
    assert "tocsin_session" not in response.headers.get("set-cookie", "")


def test_failures_slow_down_with_a_retry_after_and_never_lock_out(client, accounts, clock):
    for _ in range(5):
        assert sign_in(client, accounts[Role.ADMIN], "wrong password!").status_code == 401
    first = sign_in(client, accounts[Role.ADMIN], "wrong password!")
    assert (first.status_code, first.headers["retry-after"]) == (429, "1")
    assert "Too many failed sign-ins: try again in 1 second." in first.text
    clock.advance(timedelta(seconds=1))
    assert sign_in(client, accounts[Role.ADMIN], "wrong password!").status_code == 401  # 6th: counted
    waiting = sign_in(client, accounts[Role.ADMIN])  # even the right password, for now
    assert waiting.status_code == 429
    assert waiting.headers["retry-after"] == "2"
    assert "Too many failed sign-ins: try again in 2 seconds." in waiting.text
    assert sign_in(client, accounts[Role.VIEWER]).status_code == 303  # other accounts are not slowed
    client.cookies.clear()
    clock.advance(timedelta(seconds=2))
    assert sign_in(client, accounts[Role.ADMIN]).status_code == 303


def test_a_signed_in_user_visiting_sign_in_goes_home(client, as_role):
    as_role(Role.VIEWER)
    response = client.get("/sign-in", follow_redirects=False)
    assert response.status_code == 303


def test_an_idle_session_expires(client, as_role, clock):
    as_role(Role.VIEWER)
    clock.advance(timedelta(hours=12, seconds=1))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_behind_https_the_cookie_is_secure_and_host_locked(container, accounts):
    import dataclasses

    from tocsin.web.app import create_app

    settings = Settings.model_validate(
        {
            "database": {"url": container.settings.database.url},
            "server": {"base_url": "https://tocsin.example.org"},
        }
    )
    app = create_app(dataclasses.replace(container, settings=settings))
    with TestClient(app, base_url="https://127.0.0.1") as https_client:
        response = sign_in(https_client, accounts[Role.VIEWER])
    cookie = next(c for c in response.headers.get_list("set-cookie") if "tocsin_session=" in c)
    assert cookie.startswith("__Host-tocsin_session=")
    assert "Secure" in cookie
