"""Isolation actions against a fake WAF on 127.0.0.1: the request it receives (method, path,
headers with the secret from the environment, JSON body), the timeline's record of it, the
failures (timeout, 5xx, connection refused) recorded once and never retried, undo, and who
may do it."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.live_server import free_port
from tests.waf_fake import TOKEN, action, running, settings_with
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tocsin.domain.events import EventKind
from tocsin.domain.isolation_record import Status
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents
from tocsin.services.security import isolation

SAM = Actor("sam@example.org", Role.SECURITY)
CIDR = {"cidr": "203.0.113.0/24"}


@pytest.fixture
def waf():
    with running() as fake:
        yield fake


@pytest.fixture
def settings(db_url, waf):
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    return settings_with(
        db_url,
        {
            "block_ip_range": action(waf.url),
            "flag_off": action(
                closed,
                label="Disable signups",
                params={},
                body=None,
                timeout="1s",
                undo={"method": "POST", "url": f"{closed}/on"},
            ),
        },
    )


def security_incident(services, responder):
    created = incidents.declare_incident(services, title="Odd logins", severity=Severity.P1, by=responder)
    flags.mark_security_incident(services, created.id, reason="credential stuffing", by=responder)
    return created.id


def isolation_events(services, incident_id):
    return [e for e in incidents.get_timeline(services, incident_id, by=SAM) if e.kind is EventKind.ISOLATION]


def test_run_sends_the_configured_request_and_records_it(services, responder, waf):
    iid = security_incident(services, responder)
    attempt = isolation.run(services, iid, "block_ip_range", by=SAM, params=CIDR, confirm=True)

    (seen,) = waf.requests
    assert (seen.method, seen.path) == ("POST", "/rules")
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["Content-Type"] == "application/json"
    assert json.loads(seen.body) == {"cidr": "203.0.113.0/24", "note": f"tocsin incident {iid} (P1)"}
    assert attempt.ok
    assert attempt.status == 201
    (event,) = isolation_events(services, iid)
    assert event.text.startswith(f"Isolation 'Block IP range' run: POST {waf.url}/rules → 201 (")
    assert event.text.endswith(" s)")
    assert event.actor == SAM.name
    assert event.data["params"] == CIDR
    assert event.data["headers"] == {"Authorization": "***", "Content-Type": "application/json"}
    assert TOKEN not in json.dumps([event.text, dict(event.data)])
    (state, _) = isolation.overview(services, iid, by=SAM).states
    assert state.status is Status.ACTIVE
    assert state.last.text == event.text


def test_without_confirmation_nothing_is_sent_and_the_error_says_what_would_be(services, responder, waf):
    iid = security_incident(services, responder)
    with pytest.raises(InvalidInput) as refused:
        isolation.run(services, iid, "block_ip_range", by=SAM, params=CIDR)
    assert refused.value.detail.startswith(
        f"confirm: set it to true to send Block IP range (run): POST {waf.url}/rules"
    )
    assert '"cidr": "203.0.113.0/24"' in refused.value.detail
    assert TOKEN not in refused.value.detail
    assert waf.requests == []
    assert isolation_events(services, iid) == []


def test_an_incident_not_marked_security_is_refused_with_the_way_out(services, responder, waf):
    created = incidents.declare_incident(services, title="API slow", severity=Severity.P2, by=responder)
    with pytest.raises(Conflict, match="not a security incident: mark it as one first"):
        isolation.run(services, created.id, "block_ip_range", by=SAM, params=CIDR, confirm=True)
    assert waf.requests == []


def test_a_responder_may_not_run_it(services, responder, waf):
    iid = security_incident(services, responder)
    with pytest.raises((PermissionDenied, NotFound)):
        isolation.run(services, iid, "block_ip_range", by=responder, params=CIDR, confirm=True)
    with pytest.raises((PermissionDenied, NotFound)):
        isolation.overview(services, iid, by=responder)
    assert waf.requests == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "params.cidr: required (e.g. 203.0.113.0/24)"),
        ({"cidr": "203.0.113.0/24; rm -rf"}, "params.cidr: '203.0.113.0/24; rm -rf' does not match"),
        ({"cidr": "10.0.0.0/8", "port": "22"}, "params.port: unknown parameter of 'block_ip_range'"),
    ],
)
def test_parameters_are_checked_before_anything_is_sent(services, responder, waf, params, message):
    iid = security_incident(services, responder)
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        isolation.run(services, iid, "block_ip_range", by=SAM, params=params, confirm=True)
    assert waf.requests == []


def test_a_timeout_is_recorded_as_failed_and_not_retried(services, responder, waf, caplog):
    waf.delay = 3.5
    iid = security_incident(services, responder)
    started = time.monotonic()
    with caplog.at_level(logging.DEBUG):
        attempt = isolation.run(services, iid, "block_ip_range", by=SAM, params=CIDR, confirm=True)
    assert time.monotonic() - started < 3.4  # the 2 s timeout, not the server's 3.5 s
    assert not attempt.ok
    assert attempt.status is None
    (event,) = isolation_events(services, iid)
    assert event.text == f"Isolation 'Block IP range' run failed: POST {waf.url}/rules timed out after 2 s"
    time.sleep(1.6)  # long enough for the fake to finish; a retry would have shown up by now
    assert len(waf.requests) == 1
    (state, _) = isolation.overview(services, iid, by=SAM).states
    assert state.status is Status.FAILED
    assert state.can_undo
    assert "timed out after 2 s" in caplog.text
    assert TOKEN not in caplog.text


def test_a_5xx_is_failed_with_its_status(services, responder, waf):
    waf.status, waf.answer = 503, "upstream unavailable"
    iid = security_incident(services, responder)
    attempt = isolation.run(services, iid, "block_ip_range", by=SAM, params=CIDR, confirm=True)
    assert not attempt.ok
    assert attempt.status == 503
    (event,) = isolation_events(services, iid)
    assert event.text.startswith(f"Isolation 'Block IP range' run failed: POST {waf.url}/rules → 503 (")
    assert event.data["response"] == "upstream unavailable"
    assert len(waf.requests) == 1


def test_a_refused_connection_is_failed_and_says_so(services, responder, caplog):
    iid = security_incident(services, responder)
    with caplog.at_level(logging.DEBUG):
        attempt = isolation.run(services, iid, "flag_off", by=SAM, confirm=True)
    assert not attempt.ok
    (event,) = isolation_events(services, iid)
    assert "Isolation 'Disable signups' run failed: POST http://127.0.0.1:" in event.text
    assert "could not connect (Connection refused)" in event.text
    assert TOKEN not in caplog.text + event.text + json.dumps(dict(event.data))


def test_undo_sends_the_undo_request_with_the_last_runs_parameters(services, responder, waf):
    iid = security_incident(services, responder)
    isolation.run(services, iid, "block_ip_range", by=SAM, params=CIDR, confirm=True)
    waf.status = 204
    attempt = isolation.run(services, iid, "block_ip_range", by=SAM, confirm=True, undo=True)

    assert attempt.ok
    assert attempt.op == "undo"
    undo = waf.requests[-1]
    assert (undo.method, undo.path) == ("DELETE", "/rules/203.0.113.0%2F24")
    assert undo.headers["Authorization"] == f"Bearer {TOKEN}"  # the run's headers
    assert isolation_events(services, iid)[-1].text.startswith("Isolation 'Block IP range' undo: DELETE ")
    (state, _) = isolation.overview(services, iid, by=SAM).states
    assert state.status is Status.UNDONE
    with pytest.raises(Conflict, match="is already undone on incident"):
        isolation.run(services, iid, "block_ip_range", by=SAM, confirm=True, undo=True)
    assert len(waf.requests) == 2


def test_nothing_to_undo_before_a_run(services, responder, waf):
    iid = security_incident(services, responder)
    with pytest.raises(Conflict, match="was never run on incident"):
        isolation.run(services, iid, "block_ip_range", by=SAM, confirm=True, undo=True)
    assert waf.requests == []


def test_an_unknown_action_is_not_found(services, responder):
    iid = security_incident(services, responder)
    with pytest.raises(
        NotFound, match="no isolation action 'nope' \\(configured: block_ip_range, flag_off\\)"
    ):
        isolation.run(services, iid, "nope", by=SAM, confirm=True)
