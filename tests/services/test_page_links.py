"""Acknowledge or escalate from the page: a P1 pages Sofia (the SRE on call) by SMS; her page's
links are issued and attached as the integrator's notify code will, then followed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.paging_plan import Recorder, drain, plan, texting, with_recorder
from tocsin.config import Settings
from tocsin.domain import page_link
from tocsin.domain.errors import NotFound
from tocsin.domain.events import EventKind
from tocsin.domain.lifecycle import Phase
from tocsin.domain.notification import Purpose
from tocsin.domain.page_link import Action, State
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import page_link_tokens, page_links
from tocsin.services.paging.page_links import Result

BASE = "https://tocsin.example"


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(
        {**texting(texting(plan(db_url)), "camille", "+32470000001"), "server": {"base_url": BASE}}
    )


@pytest.fixture
def recorder():
    return Recorder("sms")


@pytest.fixture
def svc(services, recorder):
    return with_recorder(services, recorder)


def paged(svc, container, recorder, responder, *, security=False):
    """Declare a P1 (step 1 pages Sofia), deliver, issue and attach the page's links."""
    incident = incidents.declare_incident(
        svc, title="Checkout down", severity=Severity.P1, security=security, by=responder
    )
    drain(container, svc)
    [page] = [n for n in recorder.sent if n.purpose is Purpose.PAGE]
    with svc.uow() as uow:
        assert page_link_tokens.issue(uow, recorder.sent, svc.clock.now()) == 2
        uow.commit()
    return incident, page_link_tokens.attach(page_link_tokens.secret(svc), svc.paging.base_url, page)


def token(url):
    prefix = f"{BASE}/p/"
    assert url.startswith(prefix)
    return url.removeprefix(prefix)


def texts(svc, incident_id, by):
    return [e.text for e in incidents.get_timeline(svc, incident_id, by=by)]


def test_issue_then_attach_gives_two_working_links_for_the_page(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder)
    assert page.ack_url != page.escalate_url
    ack = page_links.view(svc, token(page.ack_url))
    escalate = page_links.view(svc, token(page.escalate_url))
    assert (ack.action, escalate.action) == (Action.ACK, Action.ESCALATE)
    assert (ack.state, ack.person, ack.channel) == (State.VALID, "Sofia Lambert", "SMS")
    assert (ack.incident_id, ack.severity, ack.title) == (incident.id, "P1", "Checkout down")
    assert ack.expires_at == svc.clock.now() + timedelta(hours=24)


def test_following_the_link_with_get_changes_nothing(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder)
    before = texts(svc, incident.id, responder)
    for _ in range(3):  # a mail scanner, a preview, the person
        page_links.view(svc, token(page.ack_url))
        page_links.view(svc, token(page.escalate_url))
    assert incidents.get_incident(svc, incident.id, by=responder).phase is Phase.DETECTION
    assert texts(svc, incident.id, responder) == before
    assert page_links.view(svc, token(page.ack_url)).state is State.VALID


def test_post_acknowledges_as_the_person_from_the_page(svc, container, recorder, responder, clock):
    incident, page = paged(svc, container, recorder, responder)
    clock.advance(timedelta(minutes=3))
    outcome = page_links.act(svc, token(page.ack_url))
    assert outcome.result is Result.ACKNOWLEDGED
    assert outcome.page.state is State.USED
    acked = incidents.get_incident(svc, incident.id, by=responder)
    assert (acked.phase, acked.acknowledged_by) == (Phase.TRIAGE, "Sofia Lambert")
    [event] = [
        e for e in incidents.get_timeline(svc, incident.id, by=responder) if e.kind is EventKind.ACKNOWLEDGED
    ]
    assert event.text.startswith(
        "Acknowledged by Sofia Lambert (from SMS) after 3m (within the response time)"
    )
    assert (event.actor, event.data["via"]) == ("Sofia Lambert", "sms")


def test_a_link_acts_once_and_using_one_uses_its_sibling(svc, container, recorder, responder, clock):
    incident, page = paged(svc, container, recorder, responder)
    page_links.act(svc, token(page.ack_url))
    clock.advance(timedelta(minutes=1))
    again = page_links.act(svc, token(page.ack_url))
    sibling = page_links.act(svc, token(page.escalate_url))
    assert (again.result, sibling.result) == (Result.USED, Result.USED)
    assert sibling.page.used_action is Action.ACK
    assert sibling.page.used_at == clock.now() - timedelta(minutes=1)
    timeline = incidents.get_timeline(svc, incident.id, by=responder)
    assert [e.kind for e in timeline].count(EventKind.ACKNOWLEDGED) == 1
    assert [e.kind for e in timeline].count(EventKind.ESCALATED) == 1  # step 1 only


def test_post_escalates_as_the_person_and_the_next_step_is_paged(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder)
    outcome = page_links.act(svc, token(page.escalate_url))
    assert outcome.result is Result.ESCALATED
    drain(container, svc)
    assert recorder.pages() == [(incident.id, "sofia"), (incident.id, "camille")]
    step = [
        e for e in incidents.get_timeline(svc, incident.id, by=responder) if e.kind is EventKind.ESCALATED
    ][-1]
    assert "escalated by Sofia Lambert (from SMS)" in step.text
    assert step.actor == "Sofia Lambert"
    assert page_links.act(svc, token(page.ack_url)).result is Result.USED


def test_an_expired_link_explains_itself_and_does_nothing(svc, container, recorder, responder, clock):
    incident, page = paged(svc, container, recorder, responder)
    clock.advance(timedelta(hours=23, minutes=59))
    assert page_links.view(svc, token(page.ack_url)).state is State.VALID
    clock.advance(timedelta(minutes=1))
    assert page_links.view(svc, token(page.ack_url)).state is State.EXPIRED
    assert page_links.act(svc, token(page.ack_url)).result is Result.EXPIRED
    assert incidents.get_incident(svc, incident.id, by=responder).acknowledged_at is None


def test_a_token_made_with_another_secret_or_mangled_is_not_found(svc, container, recorder, responder):
    _, page = paged(svc, container, recorder, responder)
    forged = page_link.token("another install's secret", page.key, Action.ACK)
    for bad in (forged, token(page.ack_url)[:-1], "../../etc/passwd"):
        with pytest.raises(NotFound):
            page_links.view(svc, bad)
        with pytest.raises(NotFound):
            page_links.act(svc, bad)


def test_already_acknowledged_by_someone_else_says_so_and_keeps_the_links(
    svc, container, recorder, responder
):
    incident, page = paged(svc, container, recorder, responder)
    incidents.acknowledge_incident(svc, incident.id, by=responder)
    outcome = page_links.act(svc, token(page.ack_url))
    assert outcome.result is Result.ALREADY_ACKNOWLEDGED
    assert outcome.page.acknowledged_by == responder.name
    assert page_links.view(svc, token(page.escalate_url)).state is State.VALID


def test_a_resolved_incident_is_neither_acknowledged_nor_escalated(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder)
    incidents.resolve_incident(svc, incident.id, summary="fixed", by=responder)  # without an ack
    assert page_links.act(svc, token(page.ack_url)).result is Result.NOT_OPEN
    assert page_links.act(svc, token(page.escalate_url)).result is Result.NOT_OPEN
    assert incidents.get_incident(svc, incident.id, by=responder).acknowledged_at is None
    assert page_links.view(svc, token(page.ack_url)).state is State.VALID  # nothing was done


def test_a_restricted_incident_shows_its_restricted_title_only(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder, security=True)
    shown = page_links.view(svc, token(page.ack_url))
    assert shown.title == f"Restricted incident #{incident.id} (P1)"
    assert page_links.act(svc, token(page.ack_url)).result is Result.ACKNOWLEDGED  # blind, as paged


def test_fyis_and_webhooks_get_no_links_and_no_base_url_means_no_links(svc, container, recorder, responder):
    _, page = paged(svc, container, recorder, responder)
    fyi = replace(page, purpose=Purpose.FYI, ack_url="", escalate_url="")
    key = page_link_tokens.secret(svc)
    assert page_link_tokens.attach(key, BASE, fyi).ack_url == ""
    bare = replace(page, ack_url="", escalate_url="")
    assert page_link_tokens.attach(key, "", bare).ack_url == ""
    with svc.uow() as uow:
        assert page_link_tokens.issue(uow, [fyi], svc.clock.now()) == 0


def test_the_install_secret_is_made_once_and_kept(svc, services):
    first = page_link_tokens.secret(svc)
    with svc.read() as uow:
        assert uow.page_links.find("0" * 64) is None
    assert page_link_tokens.secret(services) == first
    with svc.uow() as uow:
        assert (
            uow.install_secrets.get_or_create(page_link_tokens.SECRET_NAME, "other", svc.clock.now()) == first
        )


def test_two_clicks_at_once_act_once(svc, container, recorder, responder):
    incident, page = paged(svc, container, recorder, responder)
    links = [token(page.ack_url), token(page.escalate_url)] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = sorted(
            outcome.result.value for outcome in pool.map(lambda t: page_links.act(svc, t), links)
        )
    assert results.count("used") == 3
    assert set(results) - {"used"} <= {"acknowledged", "escalated"}
    kinds = [e.kind for e in incidents.get_timeline(svc, incident.id, by=responder)]
    assert kinds.count(EventKind.ACKNOWLEDGED) + kinds.count(EventKind.ESCALATED) == 2  # step 1 + one action


def test_someone_removed_from_people_can_no_longer_act_through_an_old_page(
    svc, container, recorder, responder
):
    incident, page = paged(svc, container, recorder, responder)
    directory = svc.paging.directory
    people = {k: v for k, v in directory.people.items() if k != "sofia"}
    gone = replace(svc, paging=replace(svc.paging, directory=replace(directory, people=people)))
    with pytest.raises(NotFound):
        page_links.act(gone, token(page.ack_url))
    assert incidents.get_incident(svc, incident.id, by=responder).acknowledged_at is None
