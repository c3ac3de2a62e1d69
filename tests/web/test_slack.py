"""Slack end to end: an Alertmanager P1 is announced in #incidents with its buttons, a signed
button press acknowledges it as the mapped person, stops escalation and updates the card in
place; ``/incident`` commands; bad signatures change nothing. All against the fake Slack."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from tests.intake_fixtures import am
from tests.paging_plan import drain
from tests.slack_fake import AM_TOKEN, SIGNING_SECRET, FakeSlack, sign, slack_plan
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.escalation import Status
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import escalation
from tocsin.web.slack import verify

ADMIN = Actor("alice", Role.ADMIN)


@pytest.fixture
def extra() -> dict:
    """More of tocsin.yaml (a test parametrizes it to turn a feature on)."""
    return {}


@pytest.fixture
def settings(db_url: str, slack_fake: FakeSlack, extra: dict) -> Settings:
    return Settings.model_validate({**slack_plan(db_url, slack_fake), **extra})


def alert(client, name: str = "firing_BackupNotRunRecently") -> int:
    response = client.post(
        "/hooks/alertmanager/prom", json=am(name), headers={"Authorization": f"Bearer {AM_TOKEN}"}
    )
    assert response.status_code == 200, response.text
    return int(response.json()["incident_id"])


def press(client, clock, incident_id: int, action_id: str = "incident_ack", user: str = "U0CAMILLE", **extra):
    action = {"action_id": action_id, "block_id": f"incident:{incident_id}", "type": "button"}
    action |= {"value": str(incident_id), "action_ts": "1700000100.000001", **extra}
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": "someone", "team_id": "T111"},
        "channel": {"id": "C0INCIDENTS", "name": "incidents"},
        "container": {"type": "message", "channel_id": "C0INCIDENTS"},
        "actions": [action],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return client.post(
        "/hooks/slack/interactions", content=body, headers=sign(body, int(clock.now().timestamp()))
    )


def command(client, clock, text: str, user: str = "U0CAMILLE"):
    fields = {"command": "/incident", "text": text, "user_id": user, "channel_id": "C0INCIDENTS"}
    body = urlencode({"token": "legacy", "team_id": "T111", **fields}).encode()
    return client.post(
        "/hooks/slack/commands", content=body, headers=sign(body, int(clock.now().timestamp()))
    )


def get(container, incident_id: int):
    return incidents.get_incident(container.services, IncidentId(incident_id), by=ADMIN)


def escalation_of(container, incident_id: int):
    return escalation.get_escalation(container.services, IncidentId(incident_id), by=ADMIN)


def card(slack_fake: FakeSlack) -> dict:
    (message,) = slack_fake.top_level()
    return message


def actions_of(message: dict) -> list[dict]:
    (block,) = [b for b in message["blocks"] if b["type"] == "actions"]
    return block["elements"]


def test_a_p1_alert_is_announced_then_acknowledged_from_slack(client, container, clock, slack_fake):
    incident_id = alert(client)
    drain(container)

    (post,) = [c for c in slack_fake.calls_to("chat.postMessage") if c.params["channel"] == "#incidents"]
    assert post.headers["authorization"] == f"Bearer {slack_fake.token}"
    assert post.params["channel"] == "#incidents"
    message = card(slack_fake)
    header = message["blocks"][0]["text"]["text"]
    assert "P1" in header
    assert f"#{incident_id}" in header
    assert "ack due" in json.dumps(message["blocks"])
    assert [e["action_id"] for e in actions_of(message)] == [
        "incident_ack",
        "incident_escalate",
        "incident_severity",
        "incident_resolve",
    ]
    select = actions_of(message)[2]
    assert [o["value"] for o in select["options"]] == ["P0", "P1", "P2", "P3"]
    assert message["attachments"][0]["color"] == "#f57c00"
    assert escalation_of(container, incident_id).status is Status.ACTIVE
    (page,) = slack_fake.direct_messages("U0SOFIA")  # the on-call SRE, paged at step 1
    assert "[PAGE] [P1]" in page["text"]

    response = press(client, clock, incident_id)
    assert response.status_code == 200

    acked = get(container, incident_id)
    assert acked.acknowledged_by == "Camille Martin"
    state = escalation_of(container, incident_id)
    assert state.status is Status.STOPPED
    drain(container)
    updates = slack_fake.calls_to("chat.update")
    assert {(u.params["channel"], u.params["ts"]) for u in updates} == {("C0INCIDENTS", message["ts"])}
    assert "Acknowledged by Camille Martin" in json.dumps(card(slack_fake)["blocks"])
    replies = slack_fake.replies(message["ts"])
    assert any("Camille Martin" in r["text"] for r in replies)
    assert len(slack_fake.top_level()) == 1
    assert slack_fake.violations == []


def test_severity_select_and_resolve_buttons(client, container, clock, slack_fake):
    incident_id = alert(client)
    drain(container)
    press(client, clock, incident_id, "incident_severity", selected_option={"value": "P0"})
    assert get(container, incident_id).severity is Severity.P0
    press(client, clock, incident_id, "incident_resolve")
    resolved = get(container, incident_id)
    assert resolved.phase is not Phase.DETECTION
    assert resolved.resolved_at is not None
    drain(container)
    final = card(slack_fake)
    assert "P0" in final["blocks"][0]["text"]["text"]
    assert not [b for b in final["blocks"] if b["type"] == "actions"]  # no buttons once resolved
    assert slack_fake.violations == []


@pytest.mark.parametrize(
    ("secret", "age"),
    [("wrong-secret", 0), (SIGNING_SECRET, 301), (SIGNING_SECRET, -301)],
    ids=["bad-signature", "stale", "future"],
)
def test_unsigned_or_stale_requests_get_401_and_change_nothing(
    client, container, clock, slack_fake, secret, age
):
    incident_id = alert(client)
    payload = {
        "type": "block_actions",
        "user": {"id": "U0CAMILLE"},
        "actions": [{"action_id": "incident_ack"}],
    }
    payload["actions"][0] |= {"value": str(incident_id)}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = sign(body, int(clock.now().timestamp()) - age, secret=secret)
    assert client.post("/hooks/slack/interactions", content=body, headers=headers).status_code == 401
    declare = urlencode({"user_id": "U0CAMILLE", "text": "declare Boom P1"}).encode()
    headers = sign(declare, int(clock.now().timestamp()) - age, secret=secret)
    assert client.post("/hooks/slack/commands", content=declare, headers=headers).status_code == 401
    assert get(container, incident_id).acknowledged_at is None
    assert incidents.list_incidents(container.services, _all(), by=ADMIN).total == 1


def _all():
    from tocsin.services.ports import IncidentFilter

    return IncidentFilter()


def test_slacks_published_signature_vector_passes(clock):
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
        b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = {
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    clock.set(clock.now().fromtimestamp(1531420618 + 60, tz=clock.now().tzinfo))
    assert verify("8f742231b10e8888abcd99yyyzzz85a5", clock, body, headers)
    assert not verify("8f742231b10e8888abcd99yyyzzz85a6", clock, body, headers)
    clock.advance(timedelta(minutes=5))
    assert not verify("8f742231b10e8888abcd99yyyzzz85a5", clock, body, headers)


def test_incident_declare_opens_an_incident_as_the_slack_user(client, container, clock, slack_fake):
    response = command(client, clock, "declare Checkout is failing P1")
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert "Declared #1" in response.json()["text"]
    incident = get(container, 1)
    assert (incident.title, incident.severity, incident.source) == (
        "Checkout is failing",
        Severity.P1,
        "slack",
    )
    assert incident.declared_by == "Camille Martin"
    drain(container)
    assert "Checkout is failing" in card(slack_fake)["text"]


def test_commands_ack_sev_resolve_help_oncall_status(client, container, clock, slack_fake):
    command(client, clock, "declare Queue stuck")
    assert "Acknowledged #1" in command(client, clock, "ack", user="U0DAVID").json()["text"]
    assert get(container, 1).acknowledged_by == "David Peeters"
    assert "now P0" in command(client, clock, "sev #1 p0 checkout down for everyone").json()["text"]
    checked = command(client, clock, "check 1 3.2.2 restarted the consumer").json()["text"]
    assert checked == "Checked 3.2.2 on #1: Restart service si applicable"
    assert "no checklist line" in command(client, clock, "check 1 8.8").json()["text"]
    noted = command(client, clock, "note 1 root_cause: the consumer deadlocked").json()["text"]
    assert noted == "Noted on #1: Root cause identified: the consumer deadlocked"
    assert "Resolved #1" in command(client, clock, "resolve 1 restarted the consumer").json()["text"]
    refused = command(client, clock, "close 1").json()["text"]
    assert refused.startswith("Nothing done: post-mortem: incident #1 (P0) cannot be closed")
    assert "Nothing done" in command(client, clock, "ack 1").json()["text"]
    assert "/incident declare" in command(client, clock, "help").json()["text"]
    assert "On call now" in command(client, clock, "oncall").json()["text"]
    assert "not enabled" in command(client, clock, "status 1 investigating looking").json()["text"]
    assert "Unknown command" in command(client, clock, "frobnicate").json()["text"]


def test_an_unmapped_user_is_told_why_and_nothing_happens(client, container, clock, slack_fake):
    incident_id = alert(client)
    drain(container)
    assert press(client, clock, incident_id, user="U0STRANGER").status_code == 200
    assert get(container, incident_id).acknowledged_at is None
    drain(container)
    (note,) = slack_fake.calls_to("chat.postEphemeral")
    assert note.params["user"] == "U0STRANGER"
    assert "not linked" in note.params["text"]
    reply = command(client, clock, "declare Something", user="U0STRANGER").json()["text"]
    assert "not linked" in reply
    assert incidents.list_incidents(container.services, _all(), by=ADMIN).total == 1
    assert slack_fake.violations == []


def test_a_refused_action_is_explained_privately(client, container, clock, slack_fake):
    incident_id = alert(client)
    press(client, clock, incident_id)
    press(client, clock, incident_id, user="U0DAVID")  # already acknowledged
    drain(container)
    (note,) = slack_fake.calls_to("chat.postEphemeral")
    assert note.params["user"] == "U0DAVID"
    assert note.params["text"].startswith("Nothing done")


STATUSPAGE = {
    "statuspage": {
        "name": "Status",
        "url": "https://status.example.com/",
        "components": {"api": {"name": "API"}},
    }
}


@pytest.mark.parametrize("extra", [STATUSPAGE])
def test_incident_status_posts_a_public_update_as_the_slack_user(client, container, clock, slack_fake):
    command(client, clock, "declare Checkout down P1")
    reply = command(client, clock, "status #1 identified Bad deploy rolled back").json()
    assert reply["response_type"] == "ephemeral"
    assert "Posted on the status page for #1" in reply["text"]
    assert "Bad deploy rolled back" in reply["text"]
    events = incidents.get_timeline(container.services, IncidentId(1), by=ADMIN)
    (posted,) = [e for e in events if e.kind.value == "status_posted"]
    assert posted.actor == "Camille Martin"
    assert "Bad deploy rolled back" in posted.text


@pytest.mark.parametrize("extra", [STATUSPAGE])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("status 1 fixed all good", "unknown status 'fixed'"),
        ("status 99 investigating looking", "Nothing done"),
        ("status 1", "usage"),
        ("status abc investigating x", "not an incident id"),
    ],
)
def test_incident_status_errors_come_back_privately(client, container, clock, slack_fake, text, expected):
    command(client, clock, "declare Checkout down P1")
    reply = command(client, clock, text).json()
    assert reply["response_type"] == "ephemeral"
    assert expected in reply["text"]
    events = incidents.get_timeline(container.services, IncidentId(1), by=ADMIN)
    assert not [e for e in events if e.kind.value == "status_posted"]


def test_incident_status_without_a_status_page_says_so(client, container, clock, slack_fake):
    command(client, clock, "declare Checkout down P1")
    assert "not enabled" in command(client, clock, "status 1 investigating looking").json()["text"]
    assert "Unknown command" not in command(client, clock, "status 1 resolved ok").json()["text"]
