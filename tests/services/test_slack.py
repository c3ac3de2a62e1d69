"""Delivery discipline of the Slack announcement: one message per incident whatever happens
(429 with Retry-After, Slack down for a while, a job run twice), then updates in place."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.paging_plan import drain
from tests.slack_fake import FakeSlack, slack_plan
from tocsin import bootstrap
from tocsin.adapters.slack.client import SlackWebApi
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.services.github.ports import IssueLink
from tocsin.services.incidents import incidents
from tocsin.services.paging import escalation
from tocsin.services.slack import slack
from tocsin.services.slack.ports import Card, SlackUnavailable
from tocsin.worker.runner import Worker

RITA = Actor("Rita", Role.RESPONDER)
RATE_LIMITED = (
    "chat.postMessage",
    429,
    {"Retry-After": "30"},
    json.dumps({"ok": False, "error": "ratelimited"}).encode(),
)


@pytest.fixture
def settings(db_url: str, slack_fake: FakeSlack) -> Settings:
    # no direct messages here: only the announcement goes to Slack (DMs: test_contract, web/test_slack)
    return Settings.model_validate(slack_plan(db_url, slack_fake, direct_messages=False))


def declare(services, severity=Severity.P1, title="Checkout down"):
    return incidents.declare_incident(services, title=title, severity=severity, by=RITA)


def test_429_waits_for_retry_after_then_posts_once(container, services, clock, slack_fake):
    slack_fake.script.append(RATE_LIMITED)
    declare(services)
    drain(container)
    assert slack_fake.top_level() == []
    clock.advance(timedelta(seconds=29))
    drain(container)
    assert slack_fake.top_level() == []  # not before Retry-After
    clock.advance(timedelta(seconds=2))
    drain(container)
    assert len(slack_fake.top_level()) == 1
    assert len(slack_fake.calls_to("chat.postMessage")) == 2  # the 429 and the post
    assert slack_fake.violations == []


def test_slack_down_for_a_while_then_one_message_then_updates_in_place(
    container, services, clock, slack_fake
):
    slack_fake.down = True
    incident = declare(services)
    for _ in range(4):
        drain(container)
        clock.advance(timedelta(minutes=2))
    assert slack_fake.top_level() == []
    slack_fake.down = False
    clock.advance(timedelta(minutes=10))
    drain(container)
    (message,) = slack_fake.top_level()
    incidents.acknowledge_incident(services, incident.id, by=RITA)
    drain(container)
    (updated,) = slack_fake.top_level()
    assert updated["ts"] == message["ts"]
    assert "Acknowledged by Rita" in json.dumps(updated["blocks"])
    assert slack_fake.violations == []


def test_the_card_links_the_github_issue_once_there_is_one(container, services, clock, slack_fake):
    incident = declare(services)
    drain(container)
    (message,) = slack_fake.top_level()
    assert "GitHub issue" not in json.dumps(message["blocks"])
    url = "https://github.example.org/acme/ops/issues/7"
    with services.uow() as uow:
        uow.github.save(IssueLink(int(incident.id), "acme/ops", 7, url), clock.now())
        uow.commit()
    incidents.acknowledge_incident(services, incident.id, by=RITA)
    drain(container)
    (updated,) = slack_fake.top_level()
    assert f"<{url}|GitHub issue>" in json.dumps(updated["blocks"])
    assert slack_fake.violations == []


def test_the_announcement_job_run_twice_posts_once(container, services, slack_fake):
    incident = declare(services)
    for _ in range(2):
        with services.uow() as uow:
            slack.announce(services, uow, {"incident_id": int(incident.id)})
            uow.commit()
    assert len(slack_fake.top_level()) == 1


def test_only_the_configured_severities_are_announced(db_url, clock, slack_fake):
    settings = Settings.model_validate(
        slack_plan(db_url, slack_fake, announce=["P0", "P1"], direct_messages=False)
    )
    container = bootstrap.build(settings, clock=clock)
    try:
        services = container.services
        incident = declare(services, severity=Severity.P3, title="Slow report")
        incidents.add_note(services, incident.id, "looking", by=RITA)
        drain(container)
        assert slack_fake.calls == []
        incidents.update_incident(
            services, IncidentId(incident.id), severity=Severity.P1, reason="checkout affected", by=RITA
        )
        drain(container)
        (message,) = slack_fake.top_level()
        assert "P1" in message["blocks"][0]["text"]["text"]
    finally:
        container.close()


def test_slack_off_enqueues_nothing(db_url, clock):
    container = bootstrap.build(Settings.model_validate({"database": {"url": db_url}}), clock=clock)
    try:
        declare(container.services)
        assert not [j for j in container.jobs.list() if j.kind.value.startswith("slack.")]
    finally:
        container.close()


def test_an_unreachable_slack_is_a_retryable_failure_without_the_token(clock):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    api = SlackWebApi("xoxb-secret-value", base_url=f"http://127.0.0.1:{port}/api/", timeout=2)
    card = Card(1, "t", "P1", "detection", "manual", clock.now(), None, False, 0, 0, "")
    with pytest.raises(SlackUnavailable) as raised:
        api.post_card("#incidents", card)
    assert "xoxb-secret-value" not in str(raised.value)


def test_a_manual_escalation_reaches_the_thread(container, services, slack_fake):
    incident = declare(services)
    drain(container)
    (message,) = slack_fake.top_level()
    escalation.escalate_incident(services, incident.id, by=RITA)
    drain(container)
    assert any("Escalation step" in str(reply.get("text", "")) for reply in slack_fake.replies(message["ts"]))
    assert slack_fake.violations == []


@pytest.mark.postgres
def test_two_workers_editing_one_card_leave_the_newest_state(container, services, clock, slack_fake, db_url):
    """Worker A renders the card, then stalls before sending it; meanwhile the incident is
    acknowledged and worker B edits the card. A's older rendering must not land last."""
    if not db_url.startswith("postgresql"):
        pytest.skip("concurrent workers need PostgreSQL")
    incident = declare(services)
    drain(container)
    with services.uow() as uow:
        uow.jobs.enqueue(
            [JobRequest(JobKind.SLACK_UPDATE, clock.now(), {"incident_id": int(incident.id)}, "a")]
        )
        uow.commit()

    inside, go = threading.Event(), threading.Event()
    real = services.slack.api

    class Stalling:
        def __getattr__(self, name):
            return getattr(real, name)

        def update_card(self, where, card):
            if not inside.is_set():  # worker A: hold its older rendering back
                inside.set()
                go.wait(timeout=5)
            real.update_card(where, card)

    stalled = replace(services, slack=replace(services.slack, api=Stalling()))

    def worker() -> Worker:
        w = Worker(container)
        w._services = stalled
        w._settings = w._settings.model_copy(update={"batch_size": 1})
        return w

    a = threading.Thread(target=worker().run_once)
    a.start()
    assert inside.wait(timeout=5)
    incidents.acknowledge_incident(services, incident.id, by=RITA)  # enqueues another edit
    b = threading.Thread(target=drain, args=(container, stalled))  # worker B: whatever is due
    b.start()
    b.join(timeout=1)  # with the card held by A, B waits for it
    go.set()
    a.join()
    b.join()

    (card,) = slack_fake.top_level()
    assert "Acknowledged by Rita" in json.dumps(card["blocks"])
    assert slack_fake.violations == []
