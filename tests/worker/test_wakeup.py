"""The worker is woken by the commit that enqueues a job, not by its poll: every worker here
polls every 30 s, so a job run within a second or two was woken for. On PostgreSQL, a worker in
another process (here: another container, its own engine and listener) is woken by NOTIFY."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from structlog.testing import capture_logs

from tocsin import bootstrap
from tocsin.adapters.db.wakeup import Listener
from tocsin.bootstrap import Container
from tocsin.config import Settings
from tocsin.domain.events import JobKind, JobRequest
from tocsin.worker.jobs import JobSpec
from tocsin.worker.runner import Worker

POLL = 30.0  # far longer than any wake-up this file waits for


def settings_for(db_url: str, **worker: object) -> Settings:
    return Settings.model_validate({"database": {"url": db_url}, "worker": worker})


class Recorder:
    """A handler noting when each job ran (monotonic seconds)."""

    def __init__(self) -> None:
        self.ran: dict[str, float] = {}
        self.event = threading.Event()

    def __call__(self, _svc: object, _uow: object, payload: dict[str, object]) -> None:
        self.ran[str(payload["n"])] = time.monotonic()
        self.event.set()


@contextmanager
def running(worker: Worker, poll: float = POLL) -> Iterator[Worker]:
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, poll))
    thread.start()
    try:
        time.sleep(0.3)  # past its first (empty) claim: asleep for a whole poll
        yield worker
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def enqueue(container: Container, n: int, due: timedelta = timedelta(0)) -> float:
    with container.services.uow() as uow:
        at = container.clock.now() + due
        uow.jobs.enqueue([JobRequest(JobKind.DEPLOY_CORRELATE, at, {"n": n}, f"wake:{n}")])
        uow.commit()
    return time.monotonic()


@pytest.fixture
def live(db_url: str) -> Iterator[Container]:
    built = bootstrap.build(settings_for(db_url))  # the system clock: real due times
    try:
        yield built
    finally:
        built.close()


def worker_of(container: Container, recorder: Recorder, name: str = "w") -> Worker:
    return Worker(container, {JobKind.DEPLOY_CORRELATE: JobSpec(handler=recorder)}, worker_id=name)


def test_a_committed_job_is_claimed_at_once_not_at_the_next_poll(live):
    recorder = Recorder()
    with running(worker_of(live, recorder)):
        committed = enqueue(live, 1)
        assert recorder.event.wait(5)
    latency = recorder.ran["1"] - committed
    print(f"\nenqueue -> run: {latency * 1000:.1f} ms (poll: {POLL:g} s)")
    assert latency < 1.0


def test_without_wake_on_enqueue_the_job_waits_for_the_poll(db_url):
    container = bootstrap.build(settings_for(db_url, wake_on_enqueue=False))
    recorder = Recorder()
    try:
        with running(worker_of(container, recorder), poll=2.0):
            committed = enqueue(container, 1)
            assert recorder.event.wait(5)
    finally:
        container.close()
    assert recorder.ran["1"] - committed > 0.5  # the poll found it, not a wake-up


def test_a_job_due_soon_runs_when_due_not_before_and_not_a_poll_later(live):
    recorder = Recorder()
    with running(worker_of(live, recorder)):
        committed = enqueue(live, 1, due=timedelta(seconds=0.8))
        assert recorder.event.wait(5)
    waited = recorder.ran["1"] - committed
    assert 0.7 <= waited < 2.0


def test_a_job_enqueued_by_a_job_runs_at_once(live):
    """A handler that enqueues follow-up work (a timer firing a breach) wakes its own worker."""
    recorder = Recorder()

    def chain(svc, uow, payload):
        uow.jobs.enqueue([JobRequest(JobKind.DEPLOY_CORRELATE, svc.clock.now(), {"n": 2}, "wake:2")])

    registry = {
        JobKind.SLA_BREACHED: JobSpec(handler=chain),
        JobKind.DEPLOY_CORRELATE: JobSpec(handler=recorder),
    }
    with running(Worker(live, registry)):
        with live.services.uow() as uow:
            uow.jobs.enqueue([JobRequest(JobKind.SLA_BREACHED, live.clock.now(), {}, "first")])
            uow.commit()
        committed = time.monotonic()
        assert recorder.event.wait(5)
    assert recorder.ran["2"] - committed < 1.0


def test_a_rolled_back_enqueue_wakes_nobody(live):
    with live.services.uow() as uow:
        uow.jobs.enqueue([JobRequest(JobKind.DEPLOY_CORRELATE, live.clock.now(), {"n": 1}, "k")])
        uow.rollback()
        uow.commit()  # nothing left to commit: no wake-up either
    assert live.wakeup.rung == 0
    enqueue(live, 2, due=timedelta(hours=1))  # a timer far ahead is the poll's business
    assert live.wakeup.rung == 0
    enqueue(live, 3)
    assert live.wakeup.rung == 1


def listening_backends(container: Container) -> list[int]:
    query = sa.text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'"
    )
    with container.engine.connect() as conn:
        return list(conn.execute(query).scalars())


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.postgres
def test_notify_wakes_a_worker_of_another_process_and_survives_losing_its_connection(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY: PostgreSQL")
    web, other = (bootstrap.build(settings_for(db_url)) for _ in range(2))
    recorder = Recorder()
    try:
        worker = worker_of(other, recorder, "other")
        with running(worker):
            listener = worker.listener
            wait_for(listener.listening.is_set)
            committed = enqueue(web, 1)
            assert recorder.event.wait(5)
            first = recorder.ran["1"] - committed

            [pid] = listening_backends(web)
            with web.engine.connect() as conn:  # the database drops the listener's connection
                conn.execute(sa.select(sa.func.pg_terminate_backend(pid)))
            wait_for(lambda: listening_backends(web) not in ([], [pid]))
            wait_for(listener.listening.is_set)
            recorder.event.clear()
            committed = enqueue(web, 2)
            assert recorder.event.wait(5)
            second = recorder.ran["2"] - committed
    finally:
        web.close()
        other.close()
    assert web.wakeup.rung == 2  # its own commits, in memory
    assert other.wakeup.rung >= 2  # by NOTIFY (and once on reconnecting)
    print(
        f"\nNOTIFY -> run in another container: {first * 1000:.1f} ms,"
        f" after a reconnect {second * 1000:.1f} ms"
    )
    assert first < 1.0
    assert second < 1.0


@pytest.mark.postgres
def test_a_worker_that_cannot_listen_falls_back_to_its_poll(db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY: PostgreSQL")
    web, other = (bootstrap.build(settings_for(db_url)) for _ in range(2))
    unreachable = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:9/none")  # nothing listens
    recorder = Recorder()
    worker = worker_of(other, recorder, "other")
    worker._listen = lambda: Listener(unreachable, other.wakeup, retry_min=0.05, retry_max=0.1)
    try:
        with capture_logs() as logs, running(worker, poll=1.0):
            committed = enqueue(web, 1)
            assert recorder.event.wait(5)
    finally:
        web.close()
        other.close()
        unreachable.dispose()
    assert "worker.listen_failed" in [e["event"] for e in logs]
    assert 0.3 < recorder.ran["1"] - committed < 2.0  # the poll's, not a wake-up's
