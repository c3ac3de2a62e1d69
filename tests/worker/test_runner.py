import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.delivery import MAX_WAITS, RetryAfter, RetryPolicy
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.worker.jobs import JOBS, JobSpec
from tocsin.worker.runner import Worker

LEASE = timedelta(seconds=30)


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(
        {"database": {"url": db_url}, "worker": {"lease_seconds": 30, "max_attempts": 3}}
    )


def enqueue(container, kind, payloads, due=timedelta(0)):
    with container.services.uow() as uow:
        uow.jobs.enqueue(
            [JobRequest(kind, container.clock.now() + due, p, f"{kind}:{i}") for i, p in enumerate(payloads)]
        )
        uow.commit()


def note(svc, uow, payload, text="effect"):
    uow.timeline.append(
        payload["incident_id"], [TimelineEvent(EventKind.NOTE, svc.clock.now(), "test", text)]
    )


def notes(container, incident_id):
    events = incidents.get_timeline(container.services, incident_id, by=SYSTEM)
    return [e for e in events if e.kind is EventKind.NOTE]


@pytest.fixture
def incident(container):
    return incidents.declare_incident(
        container.services, title="Checkout down", severity=Severity.P0, by=SYSTEM
    )


def test_a_due_ack_deadline_breaches_the_sla_in_one_job(container, incident, clock):
    worker = Worker(container)
    assert worker.run_once() == 0  # not due yet
    clock.advance(timedelta(minutes=15))
    with capture_logs() as logs:
        assert worker.run_once() == 1  # ack deadline -> breach (and escalation, if paging is on)
        assert worker.run_once() == 0  # no second hop
    assert incidents.get_incident(container.services, incident.id, by=SYSTEM).sla_breached_at == clock.now()
    assert [j.status for j in container.jobs.list()] == ["done"]
    assert [e["event"] for e in logs] == ["incident.sla_breached", "job.done"]


def test_the_same_job_run_twice_has_one_effect(container, incident, clock):
    """At-least-once: a job can be handed out again after its lease; the handler is fenced."""
    clock.advance(timedelta(minutes=15))
    [job] = container.jobs.claim(1, LEASE, "w-dead", clock.now())  # a worker that then died
    assert job.kind is JobKind.ACK_DEADLINE
    clock.advance(LEASE)
    with container.services.uow() as uow:
        assert JOBS[job.kind].handler(container.services, uow, job.payload) is True
        uow.commit()
    Worker(container).run_once()  # the re-run, after the lease expired
    events = incidents.get_timeline(container.services, incident.id, by=SYSTEM)
    assert [e.kind for e in events].count(EventKind.SLA_BREACHED) == 1
    assert container.jobs.get(job.id).status == "done"


def test_a_failing_handler_is_retried_with_backoff_then_dead(container, incident, clock):
    def boom(svc, uow, payload):
        note(svc, uow, payload)
        raise RuntimeError("channel unreachable")

    worker = Worker(container, registry={JobKind.ACK_DEADLINE: JobSpec(boom, RetryPolicy(max_attempts=2))})
    enqueue(container, JobKind.ACK_DEADLINE, [{"incident_id": incident.id}], due=-timedelta(days=1))
    with capture_logs() as logs:
        assert worker.run_once() == 1  # ours; the real ack deadline of the incident is not due
    failed = next(j for j in container.jobs.list() if j.key == f"{JobKind.ACK_DEADLINE}:0")
    assert (failed.status, failed.attempts, failed.last_error) == (
        "pending",
        1,
        "RuntimeError: channel unreachable",
    )
    assert timedelta(seconds=2.5) <= failed.due_at - clock.now() <= timedelta(seconds=5)
    assert "job.failed" in [e["event"] for e in logs]
    clock.set(failed.due_at)
    worker.run_once()
    dead = container.jobs.get(failed.id)
    assert (dead.status, dead.attempts) == ("dead", 2)
    assert notes(container, incident.id) == []  # the failed runs' effects were rolled back


def test_a_provider_asking_to_wait_gets_the_same_job_again_after_its_delay(container, incident, clock):
    """The one retry policy: an adapter's ``RetryAfter`` (a 429's Retry-After) reschedules the
    job at that delay without spending an attempt, keeping what the handler wrote before; after
    ``MAX_WAITS`` waits in a row it is an ordinary failed attempt."""
    calls = []

    def told_to_wait(svc, uow, payload):
        calls.append(payload.get("rate_limited", 0))
        note(svc, uow, payload, text=f"before the call {len(calls)}")
        raise RetryAfter("HTTP 429", 30)

    spec = JobSpec(told_to_wait, RetryPolicy(max_attempts=2))
    worker = Worker(container, registry={JobKind.ACK_DEADLINE: spec})
    enqueue(container, JobKind.ACK_DEADLINE, [{"incident_id": incident.id}], due=-timedelta(days=1))
    worker.run_once()
    waiting = next(j for j in container.jobs.list() if j.key == f"{JobKind.ACK_DEADLINE}:0")
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert waiting.due_at == clock.now() + timedelta(seconds=30)
    assert [n.text for n in notes(container, incident.id)] == ["before the call 1"]
    assert worker.run_once() == 0  # not before the provider's delay

    for _ in range(MAX_WAITS):
        clock.set(container.jobs.get(waiting.id).due_at)
        worker.run_once()
    failed = container.jobs.get(waiting.id)
    assert calls == list(range(MAX_WAITS + 1))
    assert (failed.status, failed.attempts) == ("pending", 1)  # the 21st wait is a failed attempt
    assert failed.last_error.startswith(f"DeliveryFailed: still told to wait after {MAX_WAITS} waits")
    assert len(notes(container, incident.id)) == MAX_WAITS  # that failed run's effects rolled back


def test_an_unknown_kind_goes_straight_to_the_dead_letters(container, incident, clock):
    worker = Worker(container, registry={})
    enqueue(container, JobKind.SLA_BREACHED, [{"incident_id": incident.id}])
    with capture_logs() as logs:
        assert worker.run_once() == 1
    [dead] = container.jobs.list(status="dead")
    assert dead.attempts == 1
    assert dead.last_error == "unknown job kind 'sla.breached': this worker has no handler for it"
    assert logs[0]["event"] == "job.dead"


def test_a_run_that_lost_its_lease_is_rolled_back(container, incident, clock):
    """While the handler runs, its lease expires and another worker claims the job."""
    taken_over = []

    def slow(svc, uow, payload):
        clock.advance(LEASE + timedelta(seconds=1))
        taken_over.extend(container.jobs.claim(1, LEASE, "w2", clock.now()))
        note(svc, uow, payload)

    worker = Worker(container, registry={JobKind.SLA_BREACHED: JobSpec(handler=slow)}, worker_id="w1")
    enqueue(container, JobKind.SLA_BREACHED, [{"incident_id": incident.id}])
    with capture_logs() as logs:
        assert worker.run_once() == 1
    assert "job.lease_lost" in [e["event"] for e in logs]
    [other] = taken_over
    job = container.jobs.get(other.id)
    assert (job.status, job.claim_token) == ("running", other.claim_token)  # still the new owner's
    assert notes(container, incident.id) == []


def test_run_polls_until_stopped(container, incident, clock):
    enqueue(container, JobKind.SLA_BREACHED, [{"incident_id": incident.id}] * 3)
    stop = threading.Event()
    thread = threading.Thread(target=Worker(container).run, args=(stop, 0.01))
    thread.start()
    deadline = time.monotonic() + 10
    while container.jobs.stats(clock.now())[0] > 1 and time.monotonic() < deadline:  # the ack timer stays
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert [j.status for j in container.jobs.list(limit=3)] == ["done"] * 3


def test_run_survives_a_claim_failure(container, clock):
    stop = threading.Event()
    worker = Worker(container)
    calls = []

    def broken_claim(**kwargs):
        calls.append(kwargs)
        stop.set()
        raise ConnectionError("database away")

    worker._store = type("Broken", (), {"claim": staticmethod(broken_claim)})()
    with capture_logs() as logs:
        worker.run(stop, 0.01)
    assert len(calls) == 1
    assert [e["event"] for e in logs] == ["worker.started", "worker.claim_failed", "worker.stopped"]


def test_two_workers_run_200_jobs_exactly_once(settings, clock, incident):
    runs = Counter()
    lock = threading.Lock()

    def effect(svc, uow, payload):
        with lock:
            runs[payload["n"]] += 1
        time.sleep(0.001)  # let the other worker interleave
        note(svc, uow, payload, text=str(payload["n"]))

    containers = [bootstrap.build(settings, clock=clock) for _ in range(2)]
    registry = {JobKind.SLA_BREACHED: JobSpec(handler=effect)}
    try:
        enqueue(
            containers[0], JobKind.SLA_BREACHED, [{"incident_id": incident.id, "n": n} for n in range(200)]
        )
        workers = [Worker(c, registry=registry, worker_id=f"w{i}") for i, c in enumerate(containers)]
        start = threading.Barrier(2)

        def drain(worker):
            start.wait()
            while worker.run_once():
                pass

        threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        texts = sorted(int(e.text) for e in notes(containers[0], incident.id))
        assert texts == list(range(200))
        assert runs == Counter(range(200))
        done = containers[0].jobs.list(status="done", limit=500)
        assert len(done) == 200
        assert all(j.attempts == 1 for j in done)
    finally:
        for c in containers:
            c.close()


def test_a_worker_killed_mid_job_leaves_it_to_be_rerun_once(container, incident, clock, db_url, tmp_path):
    enqueue(container, JobKind.ACK_DEADLINE, [{"incident_id": incident.id}], due=-timedelta(minutes=1))
    marker = tmp_path / "mid-job"
    target = Path(__file__).with_name("crash_target.py")
    proc = subprocess.Popen([sys.executable, str(target), db_url, str(marker), clock.now().isoformat()])
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        assert marker.exists(), "the worker process never reached the middle of the job"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    [job] = container.jobs.list(status="running")
    assert job.key == f"{JobKind.ACK_DEADLINE}:0"
    registry = {JobKind.ACK_DEADLINE: JobSpec(handler=note)}
    assert Worker(container, registry=registry).run_once() == 0  # the lease still holds
    clock.advance(LEASE)
    assert Worker(container, registry=registry).run_once() == 1
    assert [e.text for e in notes(container, incident.id)] == ["effect"]
    rerun = container.jobs.get(job.id)
    assert (rerun.status, rerun.attempts) == ("done", 2)


def _spawn_doomed(db_url, marker, now, lease="30"):
    target = Path(__file__).with_name("crash_target.py")
    proc = subprocess.Popen([sys.executable, str(target), db_url, str(marker), now, lease])
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    if not marker.exists():
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        pytest.fail("the worker process never reached the middle of the job")
    return proc


def test_a_live_worker_keeps_its_job_and_a_killed_ones_comes_back_within_a_lease(db_url, tmp_path):
    """Short leases renewed by a heartbeat: two live workers poll for 3 leases without taking
    the job of the busy one; once it is SIGKILLed they have it back within one lease (it took
    the whole 60 s lease before)."""
    lease = 1.5
    settings = Settings.model_validate({"database": {"url": db_url}, "worker": {"lease_seconds": lease}})
    live = bootstrap.build(settings)  # the system clock: real leases, real heartbeats
    stop = threading.Event()
    threads = []
    proc = None
    try:
        incident = incidents.declare_incident(
            live.services, title="Slow SMTP", severity=Severity.P3, by=SYSTEM
        )
        enqueue(live, JobKind.ACK_DEADLINE, [{"incident_id": incident.id}], due=-timedelta(minutes=1))
        [job] = [j for j in live.jobs.list() if j.key == f"{JobKind.ACK_DEADLINE}:0"]
        proc = _spawn_doomed(db_url, tmp_path / "mid-job", "real", str(lease))
        registry = {JobKind.ACK_DEADLINE: JobSpec(handler=note)}
        for i in range(2):
            worker = Worker(live, registry=registry, worker_id=f"live{i}")
            threads.append(threading.Thread(target=worker.run, args=(stop, 0.05)))
            threads[-1].start()
        time.sleep(3 * lease)
        held = live.jobs.get(job.id)
        assert (held.status, held.attempts) == ("running", 1)  # renewed, never taken over
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        killed = time.monotonic()
        while live.jobs.get(job.id).status != "done" and time.monotonic() - killed < 10 * lease:
            time.sleep(0.02)
        back_after = time.monotonic() - killed
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        done = live.jobs.get(job.id)
        texts = [e.text for e in notes(live, incident.id)]
    finally:
        stop.set()
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        live.close()
    print(f"\nreclaimed {back_after:.2f} s after SIGKILL (lease {lease} s; before: the 60 s lease)")
    assert back_after <= lease + 1.0
    assert (done.status, done.attempts) == ("done", 2)
    assert texts == ["effect"]
