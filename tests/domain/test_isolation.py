"""Isolation actions, pure: templates fill only declared placeholders and escape what they put
in URLs and bodies; secrets never show; the state of an action comes from the timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from tocsin.domain import isolation as iso
from tocsin.domain import isolation_record as record
from tocsin.domain.errors import InvalidInput
from tocsin.domain.isolation import Action, Outcome, Param, Step
from tocsin.domain.isolation_record import Status

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
SECRET = "tok-123456"
REASON = Param("reason", r".+")
CIDR = Param("cidr", r"\d{1,3}(\.\d{1,3}){3}/\d{1,2}", example="203.0.113.0/24")


def an_action(body=None, headers=(("Authorization", f"Bearer {SECRET}"),), url="https://waf.example/rules"):
    return Action(
        key="block",
        label="Block IP range",
        run=Step("POST", url, headers, body, (SECRET,)),
        undo=Step("DELETE", "https://waf.example/rules/{params.cidr}", headers, None, (SECRET,)),
        params=(CIDR, REASON),
        timeout=10.0,
    )


def values(action, cidr="203.0.113.0/24", reason='said "hi"\\ then {incident_id} </b>'):
    return iso.values_for(action, {"cidr": cidr, "reason": reason}, incident_id=7, severity="P0", actor="sam")


def test_a_json_structure_body_carries_any_value_intact():
    action = an_action(
        body={"cidr": "{params.cidr}", "comment": "#{incident_id} {severity}: {params.reason}"}
    )
    request = iso.render(action.run, values(action))
    assert json.loads(request.body) == {
        "cidr": "203.0.113.0/24",
        "comment": '#7 P0: said "hi"\\ then {incident_id} </b>',
    }
    assert ("Content-Type", "application/json") in request.headers


def test_a_text_body_declared_json_gets_json_escaped_values():
    headers = (("Content-Type", "application/json"),)
    action = an_action(body='{"reason": "{params.reason}", "n": {incident_id}}', headers=headers)
    request = iso.render(action.run, values(action))
    assert json.loads(request.body) == {"reason": 'said "hi"\\ then {incident_id} </b>', "n": 7}


def test_a_form_body_gets_form_encoded_values():
    headers = (("Content-Type", "application/x-www-form-urlencoded"),)
    action = an_action(body="reason={params.reason}&ip={params.cidr}", headers=headers)
    request = iso.render(action.run, values(action, reason="a&b=c"))
    assert parse_qs(request.body) == {"reason": ["a&b=c"], "ip": ["203.0.113.0/24"]}


def test_url_values_are_percent_encoded_so_they_stay_one_segment():
    action = an_action(url="https://waf.example/rules/{params.reason}?incident={incident_id}")
    request = iso.render(action.run, values(action, reason="../admin?x=1#"))
    assert request.url == "https://waf.example/rules/..%2Fadmin%3Fx%3D1%23?incident=7"


def test_only_declared_placeholders_are_filled_and_other_braces_stay():
    action = an_action(body='{"match": {"ip": "{params.cidr}"}, "tag": "{title}"}')
    assert iso.unknown_placeholders(action.run, action.params) == ["title"]
    assert iso.unknown_placeholders(an_action(body='{"a": {"b": 1}}').run, action.params) == []


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"reason": "x"}, "params.cidr: required (e.g. 203.0.113.0/24)"),
        ({"cidr": "203.0.113.0/24 ", "reason": "x\x00"}, "params.reason: at most 500 printable characters"),
        ({"cidr": "1.2.3.4/24\n5", "reason": "x"}, "params.cidr: at most 500 printable"),
        ({"cidr": "all", "reason": "x"}, "params.cidr: 'all' does not match"),
        ({"cidr": "1.2.3.4/8", "reason": "x", "port": "22"}, "params.port: unknown parameter of 'block'"),
    ],
)
def test_parameters_are_checked(given, message):
    with pytest.raises(InvalidInput) as refused:
        iso.values_for(an_action(), given, incident_id=1, severity="P1", actor="sam")
    assert refused.value.detail.startswith(message)


def test_secrets_never_show_in_the_request_text_repr_or_event():
    action = an_action(body={"cidr": "{params.cidr}"})
    request = iso.render(action.run, values(action))
    outcome = Outcome(0.5, 400, excerpt=f"bad header Authorization: Bearer {SECRET}")
    event = record.event(action, iso.RUN, request, outcome, {"cidr": "203.0.113.0/24"}, at=T0, by="sam")
    shown = " ".join([str(request), repr(request), repr(action), event.text, json.dumps(dict(event.data))])
    assert SECRET not in shown
    assert event.data["headers"] == {"Authorization": "***", "Content-Type": "application/json"}
    assert event.data["response"] == "bad header Authorization: ***"
    assert (
        event.text == "Isolation 'Block IP range' run failed: POST https://waf.example/rules → 400 (0.50 s)"
    )


def test_event_texts():
    action = an_action()
    request = iso.render(action.run, values(action))
    ok = record.describe(action, "run", request, Outcome(0.214, 201), 10)
    assert ok == "Isolation 'Block IP range' run: POST https://waf.example/rules → 201 (0.21 s)"
    timeout = record.describe(action, "undo", request, Outcome(10.0, error=iso.TIMEOUT), 10)
    assert (
        timeout
        == "Isolation 'Block IP range' undo failed: POST https://waf.example/rules timed out after 10 s"
    )
    refused = record.describe(
        action, "run", request, Outcome(0.0, error=iso.CONNECTION, detail="Connection refused"), 10
    )
    assert refused.endswith(
        "run failed: POST https://waf.example/rules: could not connect (Connection refused)"
    )


def _record(action, op, outcome, minutes, cidr="203.0.113.0/24"):
    step = action.step(op)
    request = iso.render(step, values(action, cidr=cidr))
    return record.event(
        action, op, request, outcome, {"cidr": cidr}, at=T0 + timedelta(minutes=minutes), by="sam"
    )


def test_state_follows_the_timeline():
    action = an_action()
    ok, failed = Outcome(0.1, 201), Outcome(0.1, 503)
    assert record.state(action, []).status is Status.NEVER_RUN
    assert not record.state(action, []).can_undo
    events = [_record(action, "run", failed, 1, cidr="10.0.0.0/8")]
    assert record.state(action, events).status is Status.FAILED
    assert record.state(action, events).can_undo  # a failed run may have applied: undo stays possible
    events.append(_record(action, "run", ok, 2))
    active = record.state(action, events)
    assert (active.status, dict(active.params)) == (Status.ACTIVE, {"cidr": "203.0.113.0/24"})
    events.append(_record(action, "undo", Outcome(0.1, 204), 3))
    undone = record.state(action, events)
    assert undone.status is Status.UNDONE
    assert not undone.can_undo
    assert undone.last.op == "undo"
    other = Action("other", "Other", action.run, action.undo)
    assert record.state(other, events).status is Status.NEVER_RUN
