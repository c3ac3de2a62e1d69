"""The worker loop: claim due jobs, run each handler in a unit of work, record the outcome.

Delivery is at-least-once: a job whose worker dies is claimed again once its lease expires;
while the worker lives, its heartbeat (``worker.heartbeat``) keeps renewing the leases of the
batch it claimed, so leases can be short and a dead worker's jobs come back within seconds.
A handler's effects commit together with the job's completion, and the completion is fenced
by the claim token, so a run that lost its lease is rolled back instead of committed.

An idle worker sleeps until a commit that enqueued work wakes it (``adapters.db.wakeup``: in
the process, and by LISTEN/NOTIFY from others on PostgreSQL), the next pending job falls due,
or its poll interval ends, whichever comes first. Claimed jobs run on up to
``worker.concurrency`` threads, in lanes that keep the order of jobs that build on each other
(``worker.lanes``); each job in its own unit of work, as before.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import timedelta

import structlog

from tocsin.bootstrap import Container
from tocsin.domain.delivery import MAX_WAITS, DeliveryFailed, RetryAfter
from tocsin.domain.events import JobKind
from tocsin.platform import i18n
from tocsin.services.ports import Job, UnitOfWork
from tocsin.services.statuspage import export as statuspage_export
from tocsin.worker.heartbeat import Heartbeat
from tocsin.worker.jobs import JOBS, JobSpec
from tocsin.worker.lanes import Lanes

log = structlog.get_logger(__name__)

STOP_CHECK_SECONDS = 0.1  # how often a sleeping worker looks at its stop flag
MIN_SLEEP_SECONDS = 0.01  # a job due "now" that another worker is claiming: look again soon


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Doorbell:
    """What wakes an idle worker: a ring between ``clear`` and ``wait`` is never lost."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def ring(self) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """Up to ``timeout`` seconds for a ring (True), or until ``stop`` is set (False)."""
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._event.wait(min(remaining, STOP_CHECK_SECONDS)):
                return True
        return False


WAITS = "rate_limited"
"""The payload's count of the waits a provider asked for in a row (``RetryAfter``)."""


class Worker:
    def __init__(
        self,
        container: Container,
        registry: Mapping[JobKind, JobSpec] = JOBS,
        worker_id: str | None = None,
        *,
        concurrency: int | None = None,
    ) -> None:
        self._services = container.services
        self._store = container.jobs
        self._clock = container.clock
        self._registry = registry
        self._settings = container.settings.worker
        self._language = container.settings.server.language  # e-mails, Slack texts, exported page
        self.worker_id = worker_id or default_worker_id()
        self._concurrency = concurrency if concurrency is not None else self._settings.concurrency
        self._wakeup = container.wakeup
        self._listen = container.listen
        self.listener: AbstractContextManager[object] | None = None  # while ``run`` runs

    def run_once(self) -> int:
        """Claim one batch of due jobs and run them (``worker.concurrency`` at once, see
        ``worker.lanes``); returns how many were claimed, once they are all done."""
        claimed = self._claim(self._settings.batch_size)
        if not claimed:
            return 0
        heartbeat = self._heartbeat()
        with heartbeat.hold(claimed), self._lanes(heartbeat) as lanes:
            for job in claimed:
                lanes.submit(job)
        return len(claimed)

    def run(self, stop: threading.Event, poll_interval: float | None = None) -> None:
        """Run until ``stop`` is set. A job is claimed as soon as the transaction that enqueued
        it commits (``worker.wake_on_enqueue``: in this process, and from others on
        PostgreSQL), else at the latest ``poll_interval`` seconds later (sooner when the next
        pending job is due before that). Up to ``worker.concurrency`` jobs run at once, each
        claimed as a thread frees up. A database outage is logged and waited out, never fatal."""
        interval = poll_interval if poll_interval is not None else self._settings.poll_interval_seconds
        log.info("worker.started", worker_id=self.worker_id)
        self._export_status_page()
        bell = Doorbell()
        wake = self._settings.wake_on_enqueue
        if wake:
            self._wakeup.subscribe(bell.ring)
        try:
            heartbeat = self._heartbeat()
            self.listener = self._listen() if wake else nullcontext()
            with self.listener, heartbeat, self._lanes(heartbeat) as lanes:
                self._loop(stop, interval, bell, heartbeat, lanes)
        finally:
            self._wakeup.unsubscribe(bell.ring)
        log.info("worker.stopped", worker_id=self.worker_id)

    def _loop(
        self, stop: threading.Event, interval: float, bell: Doorbell, heartbeat: Heartbeat, lanes: Lanes
    ) -> None:
        batch = self._settings.batch_size
        while not stop.is_set():
            bell.clear()  # a commit from now on rings it again
            if not lanes.inline and lanes.free <= 0:
                lanes.wait_free(STOP_CHECK_SECONDS)
                continue
            limit = batch if lanes.inline else min(batch, lanes.free)
            try:
                claimed = self._claim(limit)
            except Exception:
                log.exception("worker.claim_failed", worker_id=self.worker_id)
                bell.wait(interval, stop)
                continue
            heartbeat.hold(claimed)
            for job in claimed:
                lanes.submit(job)
            if len(claimed) < limit:  # drained: sleep until woken, the next due job, or the poll
                bell.wait(self._idle(interval), stop)

    def _claim(self, limit: int) -> list[Job]:
        return self._store.claim(
            limit=limit,
            lease=timedelta(seconds=self._settings.lease_seconds),
            worker_id=self.worker_id,
            now=self._clock.now(),
        )

    def _idle(self, interval: float) -> float:
        """Seconds to sleep with nothing due: until the next pending job, at most ``interval``."""
        try:
            due = self._store.next_due()
        except Exception:
            return interval
        if due is None:
            return interval
        return max(MIN_SLEEP_SECONDS, min(interval, (due - self._clock.now()).total_seconds()))

    def _heartbeat(self) -> Heartbeat:
        lease = timedelta(seconds=self._settings.lease_seconds)
        every = self._settings.heartbeat
        return Heartbeat(self._store, self._clock, lease=lease, every=every, worker_id=self.worker_id)

    def _lanes(self, heartbeat: Heartbeat) -> Lanes:
        return Lanes(self._concurrency, self._run_in_language, heartbeat.release, self.worker_id)

    def _run_in_language(self, job: Job) -> None:
        with i18n.using(self._language):  # a context variable: each thread sets its own
            self._run(job)

    def _export_status_page(self) -> None:
        """A fresh deploy (or an emptied ``statuspage.export_dir``) gets the static page now,
        not at the next public change; a failure is logged, the next change retries."""
        try:
            with i18n.using(self._language):
                done = statuspage_export.catch_up(self._services)
        except Exception:
            log.exception("statuspage.export_failed", worker_id=self.worker_id)
            return
        if done is not None and done.written:
            log.info("statuspage.exported", revision=done.revision, documents=done.written)

    def _run(self, job: Job) -> None:
        spec = self._registry.get(job.kind)
        if spec is None:
            error = f"unknown job kind {str(job.kind)!r}: this worker has no handler for it"
            self._store.bury(job, error, self._clock.now())
            log.error("job.dead", job_id=job.id, kind=job.kind, error=error)
            return
        try:
            completed = self._execute(job, spec)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            delivery_retry = timedelta(seconds=self._settings.delivery_retry_seconds)
            policy = spec.retry.deployed(self._settings.max_attempts, delivery_retry)
            status = self._store.fail(job, error, self._clock.now(), policy)
            log.warning(
                "job.failed", job_id=job.id, kind=job.kind, attempt=job.attempts, status=status, exc_info=True
            )
            return
        if completed:
            log.info("job.done", job_id=job.id, kind=job.kind, attempt=job.attempts)
        else:
            log.warning("job.lease_lost", job_id=job.id, kind=job.kind, attempt=job.attempts)

    def _execute(self, job: Job, spec: JobSpec) -> bool:
        """Run the handler and complete the job in one transaction; False if the lease was lost
        (then nothing the handler wrote is kept)."""
        token = job.claim_token
        if token is None:  # pragma: no cover - claim always sets one
            raise RuntimeError(f"job {job.id} was not claimed")
        with self._services.uow() as uow:
            try:
                spec.handler(self._services, uow, job.payload)
            except RetryAfter as told:
                held = self._wait_out(uow, job, token, told)
            else:
                held = uow.jobs.complete(job.id, token)
            if not held:
                uow.rollback()
                return False
            uow.commit()
        return True

    def _wait_out(self, uow: UnitOfWork, job: Job, token: str, told: RetryAfter) -> bool:
        """The provider said when to come back: the same job runs again then, with what the
        handler wrote so far; after ``MAX_WAITS`` waits in a row it is a failed attempt."""
        waits = int(job.payload.get(WAITS, 0)) + 1
        if waits > MAX_WAITS:
            raise DeliveryFailed(f"still told to wait after {MAX_WAITS} waits: {told}") from told
        due = self._clock.now() + told.wait
        log.info("job.waiting", job_id=job.id, kind=job.kind, due_at=due.isoformat(), waits=waits)
        return uow.jobs.reschedule(job.id, token, due, {**job.payload, WAITS: waits}, str(told))
