"""The incident's own Slack channel, against the fake Slack: created once for a P0/P1 with a
name under Slack's rules, the paged people invited, the summary posted, archived on close;
every job safe to run twice; a 429 waits for Retry-After."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.paging_plan import drain
from tests.slack_fake import SLACK_PEOPLE, FakeSlack, slack_plan
from tocsin.config import Settings
from tocsin.config.slack import SlackSettings
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents, postmortem
from tocsin.services.paging import escalation
from tocsin.services.slack import channels as slack_channels
from tocsin.services.slack.channels import channel_name

RITA = Actor("Rita", Role.RESPONDER)
ADMIN = Actor("alice", Role.ADMIN)


@pytest.fixture
def settings(db_url: str, slack_fake: FakeSlack) -> Settings:
    return Settings.model_validate(
        slack_plan(db_url, slack_fake, direct_messages=False, incident_channels=["P0", "P1"])
    )


def declare(services, severity=Severity.P1, title="Checkout down"):
    return incidents.declare_incident(services, title=title, severity=severity, by=RITA)


def close(services, incident_id):
    incidents.resolve_incident(services, incident_id, summary="fixed", by=RITA)
    postmortem.waive(services, incident_id, reason="test: no post-mortem", by=Actor("root", Role.ADMIN))
    incidents.close_incident(services, incident_id, by=RITA)


def the_channel(slack_fake: FakeSlack) -> tuple[str, dict]:
    ((ident, channel),) = slack_fake.channels.items()
    return ident, channel


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Checkout down", "inc-7-checkout-down"),
        ("API 5xx on eu-west.1 (payments)", "inc-7-api-5xx-on-eu-west-1-payments"),
        ("Café   crème!!", "inc-7-cafe-creme"),
        ("🔥🔥", "inc-7"),
        ("x" * 200, "inc-7-" + "x" * 74),
        ("a" * 73 + " b", "inc-7-" + "a" * 73),  # cut at 80, no trailing hyphen
    ],
)
def test_channel_names_follow_slacks_rules(title, expected):
    name = channel_name(7, title)
    assert name == expected
    assert len(name) <= 80
    assert name == name.lower()
    assert " " not in name
    assert "." not in name


def test_channels_are_on_for_p0_and_p1_by_default():
    assert SlackSettings().incident_channels == [Severity.P0, Severity.P1]


def test_a_p1_gets_its_channel_with_the_paged_people_and_the_summary(container, services, slack_fake):
    incident = declare(services, title="Checkout down. Payments failing")
    drain(container)

    ident, channel = the_channel(slack_fake)
    (create,) = slack_fake.calls_to("conversations.create")
    assert create.params["name"] == f"inc-{incident.id}-checkout-down-payments-failing"
    assert create.headers["authorization"] == f"Bearer {slack_fake.token}"
    paged = escalation.get_escalation(services, incident.id, by=ADMIN).notified
    expected = [SLACK_PEOPLE[p] for p in paged if p in SLACK_PEOPLE]
    assert expected  # the step-1 responder has a Slack id
    assert channel["members"] == expected
    (summary,) = slack_fake.in_channel(ident)
    assert f"#{incident.id} [P1] Checkout down. Payments failing" in summary["text"]
    assert len(slack_fake.top_level()) == 1  # the #incidents card, not the summary
    assert slack_fake.violations == []


def test_closing_archives_the_channel_once(container, services, slack_fake):
    incident = declare(services)
    drain(container)
    ident, _ = the_channel(slack_fake)
    close(services, incident.id)
    drain(container)
    assert slack_fake.channels[ident]["archived"] is True
    (archive,) = slack_fake.calls_to("conversations.archive")
    assert archive.params["channel"] == ident
    with services.uow() as uow:
        slack_channels.archive_channel(services, uow, {"incident_id": int(incident.id)})
        uow.commit()
    assert len(slack_fake.calls_to("conversations.archive")) == 1
    assert slack_fake.violations == []


def test_each_job_run_twice_has_one_effect(container, services, slack_fake):
    incident = declare(services)
    payload = {"incident_id": int(incident.id)}
    for _ in range(2):
        for handler in (slack_channels.open_channel, slack_channels.fill_channel):
            with services.uow() as uow:
                handler(services, uow, payload)
                uow.commit()
    drain(container)  # and the queued jobs run as well
    ident, channel = the_channel(slack_fake)
    assert len(slack_fake.calls_to("conversations.create")) == 1
    assert len(slack_fake.in_channel(ident)) == 1
    assert len(channel["members"]) == len(set(channel["members"])) >= 1
    # a later change of the incident queues nothing new
    incidents.add_note(services, incident.id, "looking", by=RITA)
    drain(container)
    assert len(slack_fake.channels) == 1
    assert len(slack_fake.calls_to("conversations.create")) == 1
    assert slack_fake.violations == []


def test_a_p2_gets_no_channel_until_raised_to_p1(container, services, slack_fake):
    incident = declare(services, severity=Severity.P2)
    drain(container)
    assert slack_fake.channels == {}
    incidents.update_incident(
        services, incident.id, severity=Severity.P1, reason="checkout affected", by=RITA
    )
    drain(container)
    assert len(slack_fake.channels) == 1


def test_a_429_waits_for_retry_after_then_creates_one_channel(container, services, clock, slack_fake):
    body = json.dumps({"ok": False, "error": "ratelimited"}).encode()
    slack_fake.script.append(("conversations.create", 429, {"Retry-After": "20"}, body))
    declare(services)
    drain(container)
    assert slack_fake.channels == {}
    clock.advance(timedelta(seconds=19))
    drain(container)
    assert slack_fake.channels == {}
    clock.advance(timedelta(seconds=2))
    drain(container)
    assert len(slack_fake.channels) == 1
    assert len(slack_fake.calls_to("conversations.create")) == 2
    assert slack_fake.violations == []


def test_slack_down_then_the_channel_arrives_once(container, services, clock, slack_fake):
    slack_fake.down = True
    declare(services)
    for _ in range(3):
        drain(container)
        clock.advance(timedelta(minutes=2))
    slack_fake.down = False
    clock.advance(timedelta(minutes=10))
    drain(container)
    ident, channel = the_channel(slack_fake)
    assert channel["members"]
    assert len(slack_fake.in_channel(ident)) == 1
    assert slack_fake.violations == []


def test_turned_off_no_channel(db_url, clock, slack_fake):
    from tocsin import bootstrap

    settings = Settings.model_validate(slack_plan(db_url, slack_fake, direct_messages=False))
    container = bootstrap.build(settings, clock=clock)
    try:
        declare(container.services, severity=Severity.P0)
        drain(container)
        assert slack_fake.channels == {}
        assert slack_fake.calls_to("conversations.create") == []
    finally:
        container.close()
