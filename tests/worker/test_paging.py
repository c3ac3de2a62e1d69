"""The whole pipeline with a real SMTP server on 127.0.0.1: incidents open, the worker runs
the escalation and delivery jobs, the mails arrive (the issue's routing, outage and
two-worker cases), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from structlog.testing import capture_logs

from tests.paging_plan import drain, email, plan
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.events import JobKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.worker.runner import Worker


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    return Settings.model_validate(plan(db_url, email=smtp))


def declare(container, severity, title):
    return incidents.declare_incident(container.services, title=title, severity=severity, by=SYSTEM)


def to(*people):
    return sorted(f"{name} <{email(p)}>" for p, name in people)


def test_p0_pages_the_lead_engineer_and_the_cto(container, sink):
    declare(container, Severity.P0, "API down")
    drain(container)
    assert sink.recipients() == to(("camille", "Camille Martin"), ("david", "David Peeters"))
    assert all(m["Subject"].startswith("[PAGE] [P0] #1 API down") for m in sink.messages)


def test_p1_pages_whoever_is_on_call_at_that_moment(container, sink, clock):
    declare(container, Severity.P1, "Login fail")  # Friday 27 November: Sofia's week
    drain(container)
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 in Brussels: Théo's turn
    incidents.acknowledge_incident(container.services, 1, by=SYSTEM)
    declare(container, Severity.P1, "Payments blocked")
    drain(container)
    pages = sorted((m["Subject"].split(" — ")[0], m["To"]) for m in sink.messages if "[PAGE]" in m["Subject"])
    assert pages == [
        ("[PAGE] [P1] #1 Login fail", "Sofia Lambert <sofia@example.org>"),
        ("[PAGE] [P1] #2 Payments blocked", "Théo Dubois <theo@example.org>"),
    ]


def test_p2_and_p3_page_the_dev_team(container, sink):
    declare(container, Severity.P2, "Latency high")
    declare(container, Severity.P3, "Typo")
    drain(container)
    dev = to(("hugo", "Hugo Leroy"), ("ines", "Inès Moreau"))
    assert sink.recipients() == sorted(dev * 2)


def test_mails_are_retried_through_an_outage_and_each_arrives_once(container, sink, clock):
    sink.stop()
    declare(container, Severity.P0, "API down")
    for _ in range(3):  # three attempts while the server is down
        drain(container)
        clock.advance(timedelta(seconds=45))
    failed = [j for j in container.jobs.list() if j.kind is JobKind.NOTIFY]
    assert {(j.status, j.attempts) for j in failed} == {("pending", 3)}
    assert all("ConnectionRefusedError" in (j.last_error or "") for j in failed)
    sink.start()
    clock.advance(timedelta(minutes=2))
    drain(container)
    clock.advance(timedelta(minutes=10))
    drain(container)
    assert Counter(m["To"] for m in sink.messages) == Counter(
        to(("camille", "Camille Martin"), ("david", "David Peeters"))
    )
    assert {j.status for j in container.jobs.list() if j.kind is JobKind.NOTIFY} == {"done"}
    with container.services.read() as uow:
        assert all(d.sent_at is not None for d in uow.deliveries.list(1))
    # a refused connection reached nobody: the retries are not "possible repeats"
    assert not any(m["X-Tocsin-Possible-Repeat"] or "repeat" in m["Subject"] for m in sink.messages)


def test_a_delivery_that_never_gets_through_is_dead_lettered(container, sink, clock):
    sink.stop()
    declare(container, Severity.P3, "Typo")
    with capture_logs():  # a rendered traceback per failure costs more than the test
        for _ in range(9):  # 54 min: past max_attempts (5 in the test plan), within the retry window
            drain(container)
            clock.advance(timedelta(minutes=6))
        statuses = Counter(j.status for j in container.jobs.list() if j.kind is JobKind.NOTIFY)
        assert statuses == {"pending": 2}  # worker.delivery_retry_seconds: an hour of outage is ridden out
        for _ in range(2):
            drain(container)
            clock.advance(timedelta(minutes=6))
    statuses = Counter(j.status for j in container.jobs.list() if j.kind is JobKind.NOTIFY)
    assert statuses == {"dead": 2}
    assert container.jobs.count_dead() == 2


def test_two_workers_page_nobody_twice(db_url, sink, clock):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    settings = Settings.model_validate(plan(db_url, email=smtp) | {"worker": {"batch_size": 3}})
    first, second = bootstrap.build(settings, clock=clock), bootstrap.build(settings, clock=clock)
    try:
        for i in range(12):
            declare(first, Severity.P0, f"outage {i}")
        stop = threading.Event()
        workers = [Worker(c, worker_id=f"w{i}") for i, c in enumerate((first, second))]
        threads = [threading.Thread(target=w.run, args=(stop, 0.01)) for w in workers]
        for thread in threads:
            thread.start()
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while len(sink.messages) < 24 and datetime.now(UTC) < deadline:
            threading.Event().wait(0.05)
        threading.Event().wait(0.3)  # let a double send show up, if there were one
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    finally:
        first.close()
        second.close()
    sent = Counter((m["Subject"].split(" ")[2], m["To"]) for m in sink.messages)
    assert len(sent) == 24
    assert set(sent.values()) == {1}
