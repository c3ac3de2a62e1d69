"""Claimed jobs run on a bounded pool of threads, in lanes: the jobs of one lane one at a time,
in the order they were claimed (due time, then id); different lanes at once.

Deliveries (``OUTBOUND``) are where a worker waits: on a mail server, a webhook receiver,
Slack, GitHub. They get lanes of their own so a slow recipient does not hold up the others:

- a page or message (``notify.deliver``): one lane per incident, channel and recipient, so one
  person's messages about one incident still arrive in the order they were enqueued;
- Slack, GitHub, GDPR mails: one lane per incident and provider, since their jobs build on each
  other (the card is announced before it is updated, the issue opened before it is synced);
- a status-page webhook: one lane per receiver URL (its updates arrive in order);
- any other delivery without an incident (a status-page mail): its own lane.

Every other job (timers, escalation, exports, reminders) shares ONE lane, as when the worker
ran everything in sequence: their fencing was written for jobs that never overlap in a
worker. With ``concurrency`` 1 everything runs in the caller's thread, in claim order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType

import structlog

from tocsin.domain.events import JobKind
from tocsin.services.ports import Job
from tocsin.worker.jobs import OUTBOUND

log = structlog.get_logger(__name__)

SERIAL = "serial"


def lane(job: Job) -> str:
    """The lane ``job`` runs in (see the module's docstring)."""
    if job.kind not in OUTBOUND:
        return SERIAL
    incident = job.payload.get("incident_id")
    if job.kind is JobKind.NOTIFY:
        channel, recipient = job.payload.get("channel"), job.payload.get("recipient")
        return f"notify:{incident}:{channel}:{recipient}"
    if job.kind is JobKind.STATUS_WEBHOOK:
        return f"webhook:{job.payload.get('url')}"
    if incident is None:
        return f"job:{job.id}"
    provider = job.kind.value.partition(".")[0]
    return f"{provider}:{incident}"


class Lanes:
    """Runs ``run(job)`` for submitted jobs on at most ``concurrency`` threads; ``done(job)``
    follows each, whatever happened. Use as a context manager (leaving waits for them all)."""

    def __init__(
        self, concurrency: int, run: Callable[[Job], None], done: Callable[[Job], None], name: str
    ) -> None:
        self.concurrency = concurrency
        self._run = run
        self._done = done
        self._pool = (
            ThreadPoolExecutor(concurrency, thread_name_prefix=f"job-{name}") if concurrency > 1 else None
        )
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._waiting: dict[str, deque[Job]] = {}  # lanes in use -> their jobs not started yet
        self._in_flight = 0  # submitted and not done (running or waiting in a lane)
        self.most = 0  # the most jobs running at once (for tests and the benchmark)
        self._running = 0

    @property
    def inline(self) -> bool:
        return self._pool is None

    @property
    def free(self) -> int:
        """How many more jobs can be taken on without waiting for a thread."""
        with self._lock:
            return self.concurrency - self._in_flight

    def submit(self, job: Job) -> None:
        if self._pool is None:
            self._work(job, None)
            return
        key = lane(job)
        with self._lock:
            self._in_flight += 1
            queued = self._waiting.get(key)
            if queued is not None:  # the lane is busy: after the jobs already in it
                queued.append(job)
                return
            self._waiting[key] = deque()
        self._pool.submit(self._work, job, key)

    def _work(self, job: Job, key: str | None) -> None:
        with self._lock:
            self._running += 1
            self.most = max(self.most, self._running)
        try:
            self._run(job)
        except Exception:  # the runner records outcomes; this is the database failing it
            log.exception("job.run_failed", job_id=job.id, kind=job.kind)
        finally:
            with self._lock:
                self._running -= 1
            self._done(job)
            self._next(key)

    def _next(self, key: str | None) -> None:
        if key is None or self._pool is None:
            return
        with self._lock:
            self._in_flight -= 1
            queued = self._waiting[key]
            following = queued.popleft() if queued else None
            if following is None:
                del self._waiting[key]
            self._changed.notify_all()
        if following is not None:
            self._pool.submit(self._work, following, key)

    def wait_free(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a free thread; True if one is free."""
        with self._lock:
            return self._changed.wait_for(lambda: self._in_flight < self.concurrency, timeout)

    def join(self) -> None:
        """Wait until every submitted job is done."""
        with self._lock:
            self._changed.wait_for(lambda: self._in_flight == 0)

    def __enter__(self) -> Lanes:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.join()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
