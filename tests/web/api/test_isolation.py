"""Isolation over the REST API: list, run with confirmation, undo; a viewer or responder gets a
404 for a security incident's isolation; the WAF's token never appears in a response."""

from __future__ import annotations

import json

import pytest

from tests.waf_fake import TOKEN, action, running, settings_with
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents

API = "/api/v1/incidents"


@pytest.fixture
def waf():
    with running() as fake:
        yield fake


@pytest.fixture
def settings(db_url, waf):
    return settings_with(db_url, {"block_ip_range": action(waf.url)})


@pytest.fixture
def as_security(tokens):
    return tokens[Role.SECURITY]


def declare(services, *, security=True):
    rita = Actor("rita", Role.RESPONDER)
    created = incidents.declare_incident(services, title="Odd logins", severity=Severity.P0, by=rita)
    if security:
        flags.mark_security_incident(services, created.id, reason="credential stuffing", by=rita)
    return created.id


def test_list_run_and_undo(client, services, as_security, waf):
    iid = declare(services)
    listed = client.get(f"{API}/{iid}/isolation", headers=as_security)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["actions"]
    assert (item["key"], item["state"], item["method"], item["url"]) == (
        "block_ip_range",
        "never run",
        "POST",
        f"{waf.url}/rules",
    )
    assert item["header_names"] == ["Authorization"]
    assert item["params"][0]["name"] == "cidr"

    ran = client.post(
        f"{API}/{iid}/isolation/block_ip_range",
        json={"confirm": True, "params": {"cidr": "198.51.100.0/24"}},
        headers=as_security,
    )
    assert ran.status_code == 200, ran.text
    assert ran.json()["ok"] is True
    assert ran.json()["state"] == "active"
    assert ran.json()["text"].startswith(f"Isolation 'Block IP range' run: POST {waf.url}/rules → 201 (")
    assert waf.requests[-1].headers["Authorization"] == f"Bearer {TOKEN}"

    waf.status = 204
    undone = client.post(
        f"{API}/{iid}/isolation/block_ip_range/undo", json={"confirm": True}, headers=as_security
    )
    assert undone.status_code == 200, undone.text
    assert undone.json()["state"] == "undone"
    assert waf.requests[-1].path == "/rules/198.51.100.0%2F24"

    timeline = client.get(f"{API}/{iid}/timeline", headers=as_security)
    listed = client.get(f"{API}/{iid}/isolation", headers=as_security)
    for response in (listed, ran, undone, timeline):
        assert TOKEN not in response.text
    kinds = [e["kind"] for e in timeline.json()]
    assert kinds.count("isolation") == 2


def test_without_confirm_a_422_shows_what_would_be_sent_and_nothing_is(client, services, as_security, waf):
    iid = declare(services)
    refused = client.post(
        f"{API}/{iid}/isolation/block_ip_range",
        json={"params": {"cidr": "198.51.100.0/24"}},
        headers=as_security,
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail.startswith(
        f"confirm: set it to true to send Block IP range (run): POST {waf.url}/rules with body"
    )
    assert "198.51.100.0/24" in detail
    assert TOKEN not in refused.text
    empty = client.post(f"{API}/{iid}/isolation/block_ip_range", headers=as_security)
    assert empty.status_code == 422
    assert "params.cidr: required" in empty.json()["detail"]
    assert waf.requests == []


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RESPONDER])
def test_viewers_and_responders_get_404_on_a_security_incident(client, services, tokens, role, waf):
    iid = declare(services)
    assert client.get(f"{API}/{iid}/isolation", headers=tokens[role]).status_code == 404
    body = {"confirm": True, "params": {"cidr": "198.51.100.0/24"}}
    for path in ("block_ip_range", "block_ip_range/undo"):
        answer = client.post(f"{API}/{iid}/isolation/{path}", json=body, headers=tokens[role])
        assert answer.status_code == (
            403 if role is Role.VIEWER else 404
        )  # a viewer changes nothing anywhere: one 403 for any incident, which tells nothing
    assert waf.requests == []


def test_a_responder_gets_no_run_on_an_ordinary_incident_either(client, services, tokens, waf):
    iid = declare(services, security=False)
    body = {"confirm": True, "params": {"cidr": "198.51.100.0/24"}}
    ran = client.post(f"{API}/{iid}/isolation/block_ip_range", json=body, headers=tokens[Role.RESPONDER])
    assert ran.status_code == 403
    assert "requires the security role" in ran.json()["detail"]
    assert waf.requests == []


def test_an_ordinary_incident_must_be_marked_first(client, services, as_security, waf):
    iid = declare(services, security=False)
    body = {"confirm": True, "params": {"cidr": "198.51.100.0/24"}}
    ran = client.post(f"{API}/{iid}/isolation/block_ip_range", json=body, headers=as_security)
    assert ran.status_code == 409
    assert "not a security incident: mark it as one first" in ran.json()["detail"]
    assert waf.requests == []


def test_a_failed_run_is_recorded_and_reported_with_ok_false(client, services, as_security, waf):
    waf.status = 502
    iid = declare(services)
    body = {"confirm": True, "params": {"cidr": "198.51.100.0/24"}}
    ran = client.post(f"{API}/{iid}/isolation/block_ip_range", json=body, headers=as_security)
    assert ran.status_code == 200
    assert (ran.json()["ok"], ran.json()["status"], ran.json()["state"]) == (False, 502, "failed")
    assert ran.json()["can_undo"] is True
    assert len(waf.requests) == 1


def test_unknown_fields_and_actions(client, services, as_security):
    iid = declare(services)
    typo = client.post(f"{API}/{iid}/isolation/block_ip_range", json={"confirmed": True}, headers=as_security)
    assert typo.status_code == 422
    assert "confirmed" in json.dumps(typo.json())
    missing = client.post(f"{API}/{iid}/isolation/nope", json={"confirm": True}, headers=as_security)
    assert missing.status_code == 404
    assert "no isolation action 'nope'" in missing.json()["detail"]
