"""``chat.postMessage`` made idempotent: the card carries message metadata (event_type
``tocsin_incident``, the incident id), and a retry after an attempt that may have reached Slack
looks the card up (``conversations.history``, ``include_all_metadata``) before posting. Against
the fake Slack, which checks every request against Slack's description."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.paging_plan import drain
from tests.slack_fake import FakeSlack, slack_plan
from tocsin.adapters.db.slack import SqlSlackMessageRepository
from tocsin.adapters.slack.blocks import POSSIBLE_REPEAT
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents

RITA = Actor("Rita", Role.RESPONDER)
CHANNEL = "C0INCIDENTS"


@pytest.fixture
def values(db_url: str, slack_fake: FakeSlack):
    return slack_plan(db_url, slack_fake, direct_messages=False, channel=CHANNEL)


@pytest.fixture
def settings(values) -> Settings:
    return Settings.model_validate(values)


def declare(services):
    return incidents.declare_incident(services, title="Checkout down", severity=Severity.P1, by=RITA)


def stored_ts(services, incident_id):
    with services.read() as uow:
        return uow.slack_messages.get(incident_id).ts


def test_every_card_carries_the_incident_in_its_metadata(container, services, slack_fake):
    incident = declare(services)
    drain(container)
    [card] = slack_fake.cards_of(incident.id)
    assert card["metadata"] == {
        "event_type": "tocsin_incident",
        "event_payload": {"incident_id": incident.id},
    }
    assert slack_fake.calls_to("conversations.history") == []  # a first attempt looks nothing up
    assert slack_fake.violations == []


def test_a_worker_killed_after_slacks_200_does_not_post_a_second_card(
    container, services, values, clock, slack_fake, tmp_path
):
    incident = declare(services)
    marker = tmp_path / "posted"
    target = Path(__file__).parents[1] / "worker" / "crash_sender.py"
    proc = subprocess.Popen(
        [sys.executable, str(target), json.dumps(values), str(marker), clock.now().isoformat(), "slack"]
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert marker.exists(), "the worker process never posted the card"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    [first] = slack_fake.cards_of(incident.id)
    assert marker.read_text() == f"slack:{first['ts']}"

    clock.advance(timedelta(seconds=container.settings.worker.lease_seconds))
    drain(container)

    assert slack_fake.cards_of(incident.id) == [first]  # found again, not posted twice
    [lookup] = slack_fake.calls_to("conversations.history")
    assert lookup.params["channel"] == CHANNEL
    assert lookup.params["include_all_metadata"] in ("true", "1", True)
    assert stored_ts(services, incident.id) == first["ts"]
    incidents.acknowledge_incident(services, incident.id, by=RITA)
    drain(container)
    [card] = slack_fake.cards_of(incident.id)
    assert "Acknowledged by Rita" in json.dumps(card["blocks"])  # the one card, edited in place
    assert slack_fake.violations == []


def vanish_once(monkeypatch):
    """The database goes away right after Slack's 200: the card is not recorded."""
    add = SqlSlackMessageRepository.add
    lost = []

    def add_or_vanish(self, incident_id, posted, at):
        if not lost:
            lost.append(posted)
            raise OperationalError("INSERT slack_messages", {}, Exception("server closed the connection"))
        return add(self, incident_id, posted, at)

    monkeypatch.setattr(SqlSlackMessageRepository, "add", add_or_vanish)
    return lost


def test_the_database_lost_after_slacks_200_then_the_card_is_found(
    container, services, clock, slack_fake, monkeypatch
):
    lost = vanish_once(monkeypatch)
    incident = declare(services)
    drain(container)
    clock.advance(timedelta(minutes=1))
    drain(container)
    assert slack_fake.violations == []
    [card] = slack_fake.cards_of(incident.id)
    assert lost[0].ts == card["ts"] == stored_ts(services, incident.id)
    assert slack_fake.violations == []


def test_a_channel_given_by_name_cannot_be_read_back_so_the_repeat_is_marked(
    db_url, clock, slack_fake, monkeypatch
):
    from tocsin import bootstrap

    settings = Settings.model_validate(
        slack_plan(db_url, slack_fake, direct_messages=False, channel="#incidents")
    )
    container = bootstrap.build(settings, clock=clock)
    try:
        vanish_once(monkeypatch)
        incident = declare(container.services)
        drain(container)
        clock.advance(timedelta(minutes=1))
        drain(container)
        first, second = sorted(slack_fake.cards_of(incident.id), key=lambda m: m["ts"])
    finally:
        container.close()
    assert POSSIBLE_REPEAT not in json.dumps(first["blocks"])
    assert "Possible repeat" in json.dumps(second["blocks"])
    assert slack_fake.calls_to("conversations.history") == []
    assert slack_fake.violations == []
