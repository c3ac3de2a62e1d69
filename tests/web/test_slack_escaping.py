"""Slack mrkdwn is escaped in every text tocsin builds from alert or user data: the card and its
fallback text, thread lines, the incident channel's summary, direct-message pages, ephemeral
replies and command answers. A title like ``<!channel>`` never pings, ``<url|label>`` never links."""

from __future__ import annotations

from typing import Any

import pytest

from tests.paging_plan import drain
from tests.slack_fake import FakeSlack, slack_plan
from tests.web.test_slack import command, press
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

HOSTILE = "Checkout down <!channel> <https://evil.example|Acknowledge> & <@U0CAMILLE>"
CONTROL = ("<!channel", "<https://evil", "<@U0CAMILLE")


@pytest.fixture
def settings(db_url: str, slack_fake: FakeSlack) -> Settings:
    return Settings.model_validate(slack_plan(db_url, slack_fake, incident_channels=["P0", "P1"]))


def mrkdwn_texts(value: Any, *, top: bool = True) -> list[str]:
    """Every text Slack parses as mrkdwn in a request's parameters."""
    found: list[str] = []
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn" or (top and "text" in value and isinstance(value["text"], str)):
            found.append(value["text"])
        for key, item in value.items():
            if key != "text" or not isinstance(item, str):
                found += mrkdwn_texts(item, top=False)
    elif isinstance(value, list):
        for item in value:
            found += mrkdwn_texts(item, top=False)
    return found


def test_no_text_sent_to_slack_carries_a_live_control_sequence(
    client, container, clock, slack_fake, as_admin
):
    declared = client.post(
        "/api/v1/incidents", json={"title": HOSTILE, "severity": "P1"}, headers=as_admin
    ).json()
    incident_id = declared["id"]
    incidents.add_note(container.services, incident_id, f"note: {HOSTILE}", by=SYSTEM)
    drain(container)
    press(client, clock, incident_id)  # acknowledge from Slack: the card is updated, a thread line
    press(client, clock, incident_id, user="U0DAVID")  # refused: explained privately
    reply = command(client, clock, f"note {incident_id} {HOSTILE}").json()["text"]
    drain(container)

    sent = [(call.method, text) for call in slack_fake.calls for text in mrkdwn_texts(call.params)]
    methods = {method for method, _ in sent}
    assert {"chat.postMessage", "chat.update", "chat.postEphemeral"} <= methods
    assert any("&lt;!channel&gt;" in text for _, text in sent), "the title is shown, escaped"
    assert [m for m in slack_fake.messages.values() if m["channel"].startswith("D")], "a page went by DM"
    assert any(m["channel"] in slack_fake.channels for m in slack_fake.messages.values()), "a channel summary"
    for method, text in [*sent, ("reply", reply)]:
        for control in CONTROL:
            assert control not in text, (method, text)
    assert "&lt;!channel&gt;" in reply


def test_slash_command_text_arrives_escaped_and_is_stored_as_typed(client, container, clock, slack_fake):
    """Slack sends ``&``, ``<``, ``>`` as entities; the title keeps the characters people typed."""
    reply = command(client, clock, "declare Login &lt;fails&gt; &amp; retries P2").json()["text"]
    incident = incidents.get_incident(container.services, 1, by=SYSTEM)

    assert incident.title == "Login <fails> & retries"
    assert incident.severity is Severity.P2
    assert reply.endswith("Login &lt;fails&gt; &amp; retries")
