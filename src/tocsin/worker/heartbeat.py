"""The worker's heartbeat: while a batch of claimed jobs is being worked through, a thread
renews their leases every ``worker.heartbeat_seconds`` (lease / 3 by default).

Leases are therefore short (``worker.lease_seconds``, 10 s by default): a worker that is alive
keeps its jobs however long they take, and the jobs of one that was killed go back to the
queue within one lease instead of a minute. Renewals are fenced by the claim token, so a job
another worker has taken over is never renewed by the one that lost it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import timedelta
from types import TracebackType

import structlog

from tocsin.bootstrap.database import JobStore
from tocsin.services.ports import Clock, Job

log = structlog.get_logger(__name__)


class Heartbeat:
    def __init__(
        self,
        store: JobStore,
        clock: Clock,
        *,
        lease: timedelta,
        every: float,
        worker_id: str,
    ) -> None:
        self._store = store
        self._clock = clock
        self._lease = lease
        self._every = every
        self._worker_id = worker_id
        self._held: dict[int, Job] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, jobs: Iterable[Job]) -> Heartbeat:
        with self._lock:
            self._held.update((job.id, job) for job in jobs)
        return self

    def release(self, job: Job) -> None:
        with self._lock:
            self._held.pop(job.id, None)

    def __enter__(self) -> Heartbeat:
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{self._worker_id}", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._held.clear()

    def beat(self) -> None:
        """Renew once (the thread calls this every ``every`` seconds)."""
        with self._lock:
            claims = list(self._held.values())
        if not claims:
            return
        held = self._store.renew(claims, self._lease, self._clock.now())
        with self._lock:  # a job finished meanwhile was not renewed, and is not lost
            lost = [job.id for job in claims if job.id not in held and job.id in self._held]
        if lost:
            log.warning("job.lease_not_renewed", worker_id=self._worker_id, job_ids=lost)

    def _beat(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.beat()
            except Exception:  # the database away for a moment: the next beat retries
                log.warning("worker.heartbeat_failed", worker_id=self._worker_id, exc_info=True)
