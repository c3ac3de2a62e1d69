"""Who may see and do what in the UI: sign-in required everywhere, CSRF on every form, roles."""

from __future__ import annotations

import pytest

from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents.incidents import declare_incident, get_incident

PAGES = [
    "/",
    "/dashboard/live",
    "/incidents",
    "/incidents/new",
    "/incidents/1",
    "/incidents/1/timeline",
    "/incidents/1/status",
    "/plan",
    "/on-call",
    "/admin/jobs",
    "/profile",
]
FORMS = [
    "/incidents/new",
    "/incidents/1/acknowledge",
    "/incidents/1/severity",
    "/incidents/1/impact",
    "/incidents/1/notes",
    "/incidents/1/resolve",
    "/incidents/1/reopen",
    "/incidents/1/close",
    "/incidents/1/security",
    "/admin/jobs/1/retry",
    "/sign-out",
    "/profile/methods",
    "/profile/methods/send-code",
    "/profile/methods/verify",
    "/profile/methods/remove",
    "/profile/rules",
]


@pytest.fixture
def incident(services, responder):
    return declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_an_anonymous_user_to_sign_in(client, incident, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


def test_the_sign_in_redirect_remembers_where_the_user_was_going(client, incident):
    response = client.get("/incidents?state=all", follow_redirects=False)
    assert response.headers["location"] == "/sign-in?next=/incidents%3Fstate%3Dall"


def test_a_polling_fragment_asks_htmx_for_a_full_redirect(client):
    response = client.get("/dashboard/live", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in?next=/dashboard/live"
    assert response.text == ""


@pytest.mark.parametrize("path", FORMS)
def test_every_form_post_needs_a_session(client, incident, path):
    response = client.post(path, data={"csrf_token": "x"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"


@pytest.mark.parametrize("path", FORMS)
@pytest.mark.parametrize("token", [None, "", "forged"])
def test_a_form_post_without_the_right_csrf_token_is_refused(client, as_role, incident, path, token):
    as_role(Role.ADMIN)
    data = {"text": "hello", "summary": "x"} | ({} if token is None else {"csrf_token": token})
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 403
    assert "security token" in response.text


def test_a_refused_form_changes_nothing(client, as_role, services, admin, incident):
    as_role(Role.RESPONDER)
    client.post(f"/incidents/{incident.id}/acknowledge", data={}, follow_redirects=False)
    assert get_incident(services, incident.id, by=admin).acknowledged_at is None


def test_the_csrf_token_may_come_in_a_header(client, as_role, services, admin, incident):
    token = as_role(Role.RESPONDER)
    response = client.post(
        f"/incidents/{incident.id}/acknowledge", headers={"X-CSRF-Token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert get_incident(services, incident.id, by=admin).acknowledged_by == "responder@example.org"


def test_sign_in_itself_needs_its_csrf_token(client, accounts):
    response = client.post(
        "/sign-in", data={"email": accounts[Role.ADMIN], "password": "x" * 12}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "tocsin_session" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("acknowledge", {}),
        ("resolve", {"summary": "done"}),
        ("notes", {"text": "hello"}),
        ("severity", {"severity": "P0", "reason": "worse"}),
        ("security", {"reason": "breach"}),
        ("impact", {"users_affected": "10"}),
    ],
)
def test_a_viewer_cannot_act(client, as_role, services, admin, incident, path, data):
    token = as_role(Role.VIEWER)
    response = client.post(
        f"/incidents/{incident.id}/{path}", data={**data, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "requires the responder role" in response.text
    assert get_incident(services, incident.id, by=admin) == incident


def test_a_viewer_cannot_declare(client, as_role):
    token = as_role(Role.VIEWER)
    response = client.post("/incidents/new", data={"title": "x", "severity": "P1", "csrf_token": token})
    assert response.status_code == 403


def test_a_viewer_sees_no_action_buttons(client, as_role, incident):
    as_role(Role.VIEWER)
    page = client.get(f"/incidents/{incident.id}").text
    assert "you can follow this incident but not act on it" in page
    assert "/acknowledge" not in page
    assert "Declare incident" not in client.get("/").text


def test_only_admins_see_the_job_queue(client, as_role):
    as_role(Role.RESPONDER)
    assert client.get("/admin/jobs").status_code == 403


def test_pages_carry_the_browser_security_headers(client, as_role):
    as_role(Role.VIEWER)
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"


def test_errors_in_the_ui_are_pages_not_json(client, as_role):
    as_role(Role.VIEWER)
    response = client.get("/incidents/999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "incident 999 does not exist" in response.text


def test_sign_out_ends_the_session(client, as_role):
    token = as_role(Role.VIEWER)
    response = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_stolen_cookie_is_useless_after_sign_out(client, as_role, app):
    token = as_role(Role.VIEWER)
    cookie = client.cookies.get("tocsin_session")
    client.post("/sign-out", data={"csrf_token": token})
    client.cookies.set("tocsin_session", cookie)
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(client, accounts, target):
    page = client.get(f"/sign-in?next={target}").text
    assert 'name="next" value="/"' in page
