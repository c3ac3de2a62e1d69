"""A page the mail server accepted just before tocsin stopped (the worker SIGKILLed, or the
database gone before the commit) is sent once more, marked as a possible repeat: subject
``[possible repeat] …``, header ``X-Tocsin-Possible-Repeat: yes``, the same Message-ID. Every
other page goes out once, unmarked. With a real SMTP server on 127.0.0.1, both databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from tests.paging_plan import drain, plan
from tocsin.adapters.db.escalation import SqlDeliveryRepository
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.events import EventKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents


@pytest.fixture
def values(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    return plan(db_url, email=smtp)


@pytest.fixture
def settings(values):
    return Settings.model_validate(values)


def by_key(sink):
    return Counter(str(m["X-Tocsin-Delivery"]) for m in sink.messages)


def copies(sink, key):
    return [m for m in sink.messages if m["X-Tocsin-Delivery"] == key]


def notified(container, incident_id):
    events = incidents.get_timeline(container.services, incident_id, by=SYSTEM)
    return [e for e in events if e.kind is EventKind.NOTIFIED]


def assert_one_possible_repeat(container, sink, incident_id, key):
    first, second = copies(sink, key)
    assert not first["Subject"].startswith("[possible repeat]")
    assert first["X-Tocsin-Possible-Repeat"] is None
    assert second["Subject"] == "[possible repeat] " + first["Subject"]
    assert second["X-Tocsin-Possible-Repeat"] == "yes"
    assert second["Message-ID"] == first["Message-ID"]  # mail clients may fold the two
    others = {k: n for k, n in by_key(sink).items() if k != key}
    assert others
    assert set(others.values()) == {1}
    assert not any(m["X-Tocsin-Possible-Repeat"] for k in others for m in copies(sink, k))
    events = notified(container, incident_id)
    assert Counter(e.data["key"] for e in events) == Counter({k: 1 for k in by_key(sink)})
    [marked] = [e for e in events if e.data.get("possible_repeat")]
    assert marked.data["key"] == key
    assert "[possible repeat]" in marked.text


def test_a_page_accepted_just_before_a_sigkill_is_resent_once_marked(
    container, values, clock, sink, tmp_path
):
    incident = incidents.declare_incident(
        container.services, title="API down", severity=Severity.P0, by=SYSTEM
    )
    marker = tmp_path / "sent"
    target = Path(__file__).with_name("crash_sender.py")
    proc = subprocess.Popen(
        [sys.executable, str(target), json.dumps(values), str(marker), clock.now().isoformat()]
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert marker.exists(), "the worker process never handed a page to the mail server"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    key = marker.read_text()
    assert by_key(sink) == {key: 1}

    clock.advance(timedelta(seconds=container.settings.worker.lease_seconds))  # the lease runs out
    drain(container)

    assert_one_possible_repeat(container, sink, incident.id, key)


def test_a_page_accepted_before_the_database_vanished_is_resent_once_marked(
    container, clock, sink, monkeypatch
):
    """The mail server took the page, then the commit that records it failed (the database
    went away); when the job runs again the page goes out once more, marked."""
    mark_sent = SqlDeliveryRepository.mark_sent
    lost = []

    def vanish_once(self, key, at, reference):
        if not lost:
            lost.append(key)
            raise OperationalError(
                "UPDATE deliveries", {}, Exception("server closed the connection unexpectedly")
            )
        return mark_sent(self, key, at, reference)

    monkeypatch.setattr(SqlDeliveryRepository, "mark_sent", vanish_once)
    incident = incidents.declare_incident(
        container.services, title="API down", severity=Severity.P0, by=SYSTEM
    )
    drain(container)
    [key] = lost
    assert by_key(sink)[key] == 1
    clock.advance(timedelta(minutes=1))  # the failed job's backoff
    drain(container)

    assert_one_possible_repeat(container, sink, incident.id, key)
