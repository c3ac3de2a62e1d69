"""Deliveries run concurrently, never more than ``worker.concurrency`` at once; jobs that build on
each other (one recipient's messages about one incident, one incident's Slack card, every
timer) still run one at a time, in order."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.events import JobKind, JobRequest
from tocsin.services.ports import Job, JobStatus
from tocsin.worker.jobs import JobSpec
from tocsin.worker.lanes import SERIAL, lane
from tocsin.worker.runner import Worker

T = datetime(2026, 12, 1, tzinfo=UTC)


def job(kind: JobKind, payload: dict[str, object], job_id: int = 1) -> Job:
    return Job(job_id, kind, payload, T, JobStatus.RUNNING, 1, 8, f"k{job_id}", None, T, "token")


def page(incident: int, recipient: str, channel: str = "email") -> dict[str, object]:
    return {"incident_id": incident, "channel": channel, "recipient": recipient}


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        (job(JobKind.NOTIFY, page(1, "alice")), job(JobKind.NOTIFY, page(1, "bob")), True),
        (job(JobKind.NOTIFY, page(1, "alice")), job(JobKind.NOTIFY, page(2, "alice")), True),
        (job(JobKind.NOTIFY, page(1, "alice")), job(JobKind.NOTIFY, page(1, "alice", "slack_dm")), True),
        (job(JobKind.NOTIFY, page(1, "alice")), job(JobKind.NOTIFY, page(1, "alice"), 2), False),
        (
            job(JobKind.SLACK_ANNOUNCE, {"incident_id": 1}),
            job(JobKind.SLACK_UPDATE, {"incident_id": 1}),
            False,
        ),
        (
            job(JobKind.SLACK_ANNOUNCE, {"incident_id": 1}),
            job(JobKind.SLACK_ANNOUNCE, {"incident_id": 2}),
            True,
        ),
        (job(JobKind.GITHUB_OPEN, {"incident_id": 1}), job(JobKind.GITHUB_SYNC, {"incident_id": 1}), False),
        (job(JobKind.GITHUB_OPEN, {"incident_id": 1}), job(JobKind.SLACK_ANNOUNCE, {"incident_id": 1}), True),
        (job(JobKind.STATUS_MAIL, {"mail_id": 1}, 1), job(JobKind.STATUS_MAIL, {"mail_id": 2}, 2), True),
        (
            job(JobKind.ACK_DEADLINE, {"incident_id": 1}),
            job(JobKind.ESCALATION_STEP, {"incident_id": 2}),
            False,
        ),
        (job(JobKind.ACK_DEADLINE, {"incident_id": 1}), job(JobKind.NOTIFY, page(1, "alice")), True),
        (
            job(JobKind.STATUS_WEBHOOK, {"url": "http://a/"}, 1),
            job(JobKind.STATUS_WEBHOOK, {"url": "http://a/"}, 2),
            False,
        ),
        (
            job(JobKind.STATUS_WEBHOOK, {"url": "http://a/"}, 1),
            job(JobKind.STATUS_WEBHOOK, {"url": "http://b/"}, 2),
            True,
        ),
    ],
)
def test_which_jobs_may_run_together(first, second, together):
    assert (lane(first) != lane(second)) is together


def test_every_non_delivery_shares_the_serial_lane():
    assert lane(job(JobKind.STATUS_EXPORT, {"revision": 3})) == SERIAL
    assert lane(job(JobKind.SLACK_EPHEMERAL, {"channel": "C1"})) == SERIAL


class SlowChannel:
    """A handler taking ``seconds`` per delivery, counting how many run at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.runs: list[tuple[str, int, float, float]] = []  # lane, job number, start, end
        self.done = threading.Event()
        self.expected = 0

    def __call__(self, _svc, _uow, payload) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        start = time.monotonic()
        time.sleep(self.seconds)
        with self.lock:
            self.now -= 1
            self.runs.append((str(payload.get("group")), int(payload["n"]), start, time.monotonic()))
            if len(self.runs) == self.expected:
                self.done.set()


def enqueue(container, requests) -> None:
    with container.services.uow() as uow:
        uow.jobs.enqueue(requests)
        uow.commit()


def pages(container, count: int, recipient=lambda n: f"r{n}") -> list[JobRequest]:
    at = container.clock.now()
    return [
        JobRequest(JobKind.NOTIFY, at, {**page(1, recipient(n)), "n": n, "group": recipient(n)}, f"p{n}")
        for n in range(count)
    ]


def test_n_deliveries_take_n_over_concurrency_and_never_more_run_at_once(db_url):
    settings = Settings.model_validate({"database": {"url": db_url}, "worker": {"concurrency": 4}})
    container = bootstrap.build(settings)
    channel = SlowChannel(0.25)
    channel.expected = 16
    worker = Worker(container, {JobKind.NOTIFY: JobSpec(handler=channel)})
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, 30.0))
    try:
        thread.start()
        started = time.monotonic()
        enqueue(container, pages(container, 16))
        assert channel.done.wait(15)
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join(timeout=10)
        container.close()
    print(f"\n16 deliveries of 0.25 s, 4 at once: {elapsed:.2f} s (one at a time: 4 s)")
    assert channel.most == 4
    assert 1.0 <= elapsed < 2.5  # about 16 / 4 x 0.25 s; one at a time would take 4 s
    assert sorted(n for _, n, _, _ in channel.runs) == list(range(16))


def test_one_lane_runs_in_order_one_job_at_a_time_while_lanes_overlap(container):
    channel = SlowChannel(0.1)
    registry = {
        kind: JobSpec(handler=channel)
        for kind in (JobKind.NOTIFY, JobKind.SLACK_UPDATE, JobKind.ACK_DEADLINE)
    }
    at = container.clock.now()
    requests = [
        *pages(container, 3, recipient=lambda n: "alice"),  # one recipient: one lane
        *(
            JobRequest(JobKind.SLACK_UPDATE, at, {"incident_id": 7, "n": n, "group": "slack"}, f"s{n}")
            for n in range(3)
        ),
        *(
            JobRequest(JobKind.ACK_DEADLINE, at, {"incident_id": n, "n": n, "group": "timers"}, f"t{n}")
            for n in range(3)
        ),
    ]
    enqueue(container, requests)
    assert Worker(container, registry, concurrency=8).run_once() == 9
    by_group: dict[str, list[tuple[int, float, float]]] = {}
    for group, n, start, end in sorted(channel.runs, key=lambda r: r[2]):
        by_group.setdefault(group, []).append((n, start, end))
    assert set(by_group) == {"alice", "slack", "timers"}
    for runs in by_group.values():
        assert [n for n, _, _ in runs] == [0, 1, 2]  # in the order enqueued
        assert all(earlier[2] <= later[1] for earlier, later in itertools.pairwise(runs))
    assert channel.most == 3  # the three lanes side by side


def test_two_concurrent_workers_run_each_delivery_once(settings, clock):
    containers = [bootstrap.build(settings, clock=clock) for _ in range(2)]
    runs: Counter[int] = Counter()
    lock = threading.Lock()

    def deliver(_svc, _uow, payload):
        with lock:
            runs[payload["n"]] += 1
        time.sleep(0.002)

    try:
        enqueue(containers[0], pages(containers[0], 150))
        stop = threading.Event()
        workers = [
            Worker(c, {JobKind.NOTIFY: JobSpec(handler=deliver)}, f"w{i}") for i, c in enumerate(containers)
        ]
        threads = [threading.Thread(target=w.run, args=(stop, 0.05)) for w in workers]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 30
        while sum(runs.values()) < 150 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # a second run, if there were one
        stop.set()
        for t in threads:
            t.join(timeout=10)
        done = containers[0].jobs.list(status="done", limit=500)
    finally:
        for c in containers:
            c.close()
    assert runs == Counter(range(150))
    assert len(done) == 150
    assert all(j.attempts == 1 for j in done)
