"""Roles mean what the README says, checked over the whole route table: every route of the app
is either on the explicit public list below (with why) or refuses an anonymous caller, and every
route that changes something (POST, PUT, PATCH, DELETE) refuses a viewer with 403."""

from __future__ import annotations

import re

import pytest

from tests.web.test_app import walk
from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

PUBLIC = {
    ("GET", "/api/v1/openapi.json"): "the API's description: no data",
    ("GET", "/api/v1/docs"): "the API explorer (vendored Swagger UI): no data",
    ("GET", "/healthz"): "liveness probe",
    ("GET", "/readyz"): "readiness probe",
    ("GET", "/metrics"): "Prometheus scrape: counters and durations, no incident text",
    ("GET", "/sign-in"): "the sign-in form",
    ("POST", "/sign-in"): "signing in (CSRF cookie, throttled)",
    ("POST", "/status/subscribe"): "public status page: subscribe by e-mail (double opt-in)",
    ("GET", "/status/subscribe/confirm"): "public status page: the confirmation link",
    ("POST", "/status/subscribe/confirm"): "public status page: confirm",
    ("GET", "/status/unsubscribe"): "public status page: the unsubscribe link",
    ("POST", "/status/unsubscribe"): "public status page: unsubscribe",
}
OWN_AUTH = {
    ("GET", "/calendar/{token}.ics"): "the feed's own secret token",
    ("GET", "/p/{token}"): "a page's personal single-use link: shows, changes nothing",
    ("POST", "/p/{token}"): "a page's personal single-use link: the token is the credential",
    ("POST", "/hooks/slack/commands"): "Slack's v0 signature",
    ("POST", "/hooks/slack/interactions"): "Slack's v0 signature",
    ("POST", "/hooks/github"): "X-Hub-Signature-256",
    ("POST", "/hooks/deploy/{source}"): "the source's bearer token or HMAC",
    ("POST", "/hooks/alertmanager/{source}"): "the source's bearer or basic credentials",
    ("POST", "/hooks/grafana/{source}"): "the source's credentials or HMAC",
    ("POST", "/hooks/generic/{source}"): "the source's bearer or basic credentials",
    ("POST", "/hooks/twilio/sms"): "X-Twilio-Signature (404 without notifications.twilio)",
    ("POST", "/hooks/twilio/voice"): "X-Twilio-Signature (404 without notifications.twilio)",
    ("POST", "/hooks/twilio/status"): "X-Twilio-Signature (404 without notifications.twilio)",
}
ACTING = {"POST", "PUT", "PATCH", "DELETE"}


def operations(app) -> set[tuple[str, str]]:
    return {
        (method, route.path)
        for route in walk(app.routes)
        for method in route.methods or ()
        if method != "HEAD"
    }


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture
def incident(services, admin):
    return incidents.declare_incident(services, title="Login fail", severity=Severity.P2, by=admin)


def test_the_lists_name_only_real_routes(app):
    assert set(PUBLIC) | set(OWN_AUTH) <= operations(app)


def test_every_route_not_public_refuses_anonymous_callers(app, client, incident):
    checked = 0
    for method, path in sorted(operations(app) - set(PUBLIC)):
        response = client.request(method, concrete(path), follow_redirects=False)
        if (method, path) in OWN_AUTH:
            assert response.status_code in (401, 403, 404), (method, path, response.status_code)
        elif path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
        else:  # a UI page or form: to the sign-in page, nothing done
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/sign-in"), (method, path)
        checked += 1
    assert checked > 100  # the walk saw the whole app


def test_every_acting_route_refuses_a_viewer(app, client, tokens, as_role, incident, services, admin):
    csrf = as_role(Role.VIEWER)
    acting = sorted(
        (m, p) for m, p in operations(app) - set(PUBLIC) - set(OWN_AUTH) if m in ACTING and p != "/sign-out"
    )
    assert ("POST", "/api/v1/reports") in acting
    for method, path in acting:
        if path.startswith("/api/"):
            response = client.request(method, concrete(path), json={}, headers=tokens[Role.VIEWER])
        else:
            response = client.request(
                method,
                concrete(path),
                data={"csrf_token": csrf},
                headers={"X-CSRF-Token": csrf},
                follow_redirects=False,
            )
        assert response.status_code == 403, (method, path, response.status_code, response.text[:300])
    assert incidents.get_incident(services, incident.id, by=admin).phase.value == "detection"  # untouched
