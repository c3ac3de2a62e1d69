"""``/p/{token}`` over HTTP, signed out and without cookies: GET shows one button and changes
nothing; POST (no body, as ntfy's action buttons send it) acknowledges; replays, expired links,
unknown tokens and restricted incidents."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.paging_plan import Recorder, drain, plan, texting, with_recorder
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain import page_link
from tocsin.domain.access import Actor, Role
from tocsin.domain.events import EventKind
from tocsin.domain.notification import Purpose
from tocsin.domain.page_link import Action
from tocsin.domain.severity import Severity
from tocsin.platform.logs import configure_logging
from tocsin.services.incidents import incidents
from tocsin.services.paging import page_link_tokens

BASE = "http://127.0.0.1"
SECRET_TITLE = "Attacker exfiltrating the customers table"


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(
        {**texting(texting(plan(db_url)), "camille", "+32470000001"), "server": {"base_url": BASE}}
    )


@pytest.fixture
def recorder():
    return Recorder("sms")


@pytest.fixture
def container(settings, clock, recorder) -> Iterator[bootstrap.Container]:
    built = bootstrap.build(settings, clock=clock)
    try:
        yield dataclasses.replace(built, services=with_recorder(built.services, recorder))
    finally:
        built.close()


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as client:
        yield client


def paged(container, recorder, responder, *, title="Checkout down", security=False):
    svc = container.services
    incident = incidents.declare_incident(
        svc, title=title, severity=Severity.P1, security=security, by=responder
    )
    drain(container)
    [page] = [n for n in recorder.sent if n.purpose is Purpose.PAGE]
    with svc.uow() as uow:
        page_link_tokens.issue(uow, [page], svc.clock.now())
        uow.commit()
    linked = page_link_tokens.attach(page_link_tokens.secret(svc), svc.paging.base_url, page)
    return incident, linked.ack_url.removeprefix(BASE), linked.escalate_url.removeprefix(BASE)


def timeline(container, incident_id):
    return [
        (e.kind, e.text)
        for e in incidents.get_timeline(container.services, incident_id, by=Actor("t", Role.ADMIN))
    ]


def test_get_shows_the_incident_and_one_button_and_changes_nothing(anonymous, container, recorder, responder):
    incident, ack, _ = paged(container, recorder, responder)
    before = timeline(container, incident.id)
    for _ in range(2):  # a mail scanner, then the person
        response = anonymous.get(ack)
        assert response.status_code == 200
    html = response.text
    assert f"Incident #{incident.id}" in html
    assert "Checkout down" in html
    assert "P1" in html
    assert html.count("<form") == 1
    assert f'method="post" action="{ack}"' in html
    assert html.count("<button") == 1
    assert f"Acknowledge incident #{incident.id}" in html
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    assert incidents.get_incident(container.services, incident.id, by=responder).acknowledged_at is None
    assert timeline(container, incident.id) == before


def test_post_without_cookie_or_body_acknowledges_as_the_person(
    anonymous, container, recorder, responder, clock
):
    incident, ack, _ = paged(container, recorder, responder)
    clock.advance(timedelta(minutes=2))
    response = anonymous.post(ack)  # no CSRF token, no session, no body
    assert response.status_code == 200, response.text
    assert "Acknowledged by you, Sofia Lambert" in response.text
    assert not anonymous.cookies  # nothing signed in
    acks = [text for kind, text in timeline(container, incident.id) if kind is EventKind.ACKNOWLEDGED]
    assert acks == ["Acknowledged by Sofia Lambert (from SMS) after 2m (within the response time)"]


def test_a_replay_and_the_sibling_link_are_refused_and_point_to_sign_in(
    anonymous, container, recorder, responder
):
    incident, ack, escalate = paged(container, recorder, responder)
    assert anonymous.post(ack).status_code == 200
    for method, path in (("POST", ack), ("GET", escalate), ("POST", escalate)):
        response = anonymous.request(method, path)
        assert response.status_code == 410, (method, path)
        assert "This link was already used (acknowledged by Sofia Lambert at" in response.text
        assert f'href="/sign-in?next=/incidents/{incident.id}"' in response.text
        assert "<button" not in response.text
    kinds = [kind for kind, _ in timeline(container, incident.id)]
    assert kinds.count(EventKind.ACKNOWLEDGED) == 1
    assert kinds.count(EventKind.ESCALATED) == 1


def test_an_expired_link_explains_itself(anonymous, container, recorder, responder, clock):
    incident, ack, _ = paged(container, recorder, responder)
    clock.advance(timedelta(hours=24))
    for response in (anonymous.get(ack), anonymous.post(ack)):
        assert response.status_code == 410
        assert "This link expired at" in response.text
        assert "/sign-in" in response.text
    assert incidents.get_incident(container.services, incident.id, by=responder).acknowledged_at is None


def test_unknown_tokens_and_tokens_of_another_install_are_a_404_page(
    anonymous, container, recorder, responder
):
    _, ack, _ = paged(container, recorder, responder)
    [page] = recorder.sent
    forged = page_link.token("another install's secret", page.key, Action.ACK)
    for path in (f"/p/{forged}", ack[:-1], "/p/" + "A" * 32):
        for response in (anonymous.get(path), anonymous.post(path)):
            assert response.status_code == 404
            assert response.headers["content-type"].startswith("text/html")
            assert "This link does not work" in response.text
            assert 'href="/sign-in"' in response.text


def test_a_restricted_incident_title_never_shows(anonymous, container, recorder, responder):
    incident, ack, escalate = paged(container, recorder, responder, title=SECRET_TITLE, security=True)
    shown = anonymous.get(ack).text
    assert f"Restricted incident #{incident.id} (P1)" in shown
    assert SECRET_TITLE not in shown
    acted = anonymous.post(ack)
    assert acted.status_code == 200
    assert SECRET_TITLE not in acted.text
    assert SECRET_TITLE not in anonymous.get(escalate).text


def test_escalating_from_the_page(anonymous, container, recorder, responder):
    incident, _, escalate = paged(container, recorder, responder)
    page = anonymous.get(escalate).text
    assert f"Escalate incident #{incident.id}" in page
    response = anonymous.post(escalate)
    assert response.status_code == 200
    assert "Escalated by you, Sofia Lambert" in response.text
    drain(container)
    assert recorder.pages() == [(incident.id, "sofia"), (incident.id, "camille")]


def test_the_page_speaks_french(anonymous, container, recorder, responder):
    incident, ack, _ = paged(container, recorder, responder)
    page = anonymous.get(ack, headers={"Accept-Language": "fr"}).text
    assert f"Acquitter l’incident #{incident.id}" in page


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def test_the_token_never_reaches_a_log_line(
    anonymous, container, recorder, responder, capsys, restore_logging
):
    _, ack, _ = paged(container, recorder, responder)
    token = ack.removeprefix("/p/")
    configure_logging("DEBUG", "json")
    anonymous.get(ack)
    anonymous.post(ack)
    structlog.get_logger("tocsin.web").error("unhandled_error", path=ack)  # as web.errors logs a path
    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(line.get("route") == "/p/{token}" for line in lines)
    assert token not in err
    assert "/p/[redacted]" in err
