"""The worker loop: claim due jobs, run each handler in a unit of work, record the outcome.

Delivery is at-least-once: a job whose worker dies is claimed again once its lease expires;
while the worker lives, its heartbeat (``worker.heartbeat``) keeps renewing the leases of the
batch it claimed, so leases can be short and a dead worker's jobs come back within seconds.
A handler's effects commit together with the job's completion, and the completion is fenced
by the claim token, so a run that lost its lease is rolled back instead of committed.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Mapping
from datetime import timedelta

import structlog

from tocsin.adapters import i18n
from tocsin.bootstrap import Container
from tocsin.domain.events import JobKind
from tocsin.services import statuspage_export
from tocsin.services.ports import Job
from tocsin.worker.heartbeat import Heartbeat
from tocsin.worker.jobs import JOBS, JobSpec, retry_policy

log = structlog.get_logger(__name__)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Worker:
    def __init__(
        self,
        container: Container,
        registry: Mapping[JobKind, JobSpec] = JOBS,
        worker_id: str | None = None,
    ) -> None:
        self._services = container.services
        self._store = container.jobs
        self._clock = container.clock
        self._registry = registry
        self._settings = container.settings.worker
        self._language = container.settings.server.language  # e-mails, Slack texts, exported page
        self.worker_id = worker_id or default_worker_id()

    def run_once(self) -> int:
        """Claim one batch of due jobs and run them; returns how many were claimed."""
        lease = timedelta(seconds=self._settings.lease_seconds)
        claimed = self._store.claim(
            limit=self._settings.batch_size,
            lease=lease,
            worker_id=self.worker_id,
            now=self._clock.now(),
        )
        if not claimed:
            return 0
        heartbeat = Heartbeat(
            self._store, self._clock, lease=lease, every=self._settings.heartbeat, worker_id=self.worker_id
        )
        with heartbeat.hold(claimed), i18n.using(self._language):
            for job in claimed:
                self._run(job)
                heartbeat.release(job)
        return len(claimed)

    def run(self, stop: threading.Event, poll_interval: float | None = None) -> None:
        """Run until ``stop`` is set; sleep ``poll_interval`` seconds whenever the queue is
        drained. A database outage is logged and waited out, never fatal."""
        interval = poll_interval if poll_interval is not None else self._settings.poll_interval_seconds
        log.info("worker.started", worker_id=self.worker_id)
        self._export_status_page()
        while not stop.is_set():
            try:
                claimed = self.run_once()
            except Exception:
                log.exception("worker.claim_failed", worker_id=self.worker_id)
                claimed = 0
            if claimed < self._settings.batch_size:
                stop.wait(interval)
        log.info("worker.stopped", worker_id=self.worker_id)

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
            policy = retry_policy(job.kind, spec, delivery_retry, self._settings.max_attempts)
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
            spec.handler(self._services, uow, job.payload)
            if not uow.jobs.complete(job.id, token):
                uow.rollback()
                return False
            uow.commit()
        return True
