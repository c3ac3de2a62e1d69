"""The intake writer: one thread that commits pending webhooks in groups (group commit).

A webhook handler ``submit``s its parsed notification and awaits the outcome. The writer takes
the first pending notification and every other one already waiting (at most ``max_batch``),
applies them with the batch function it was given (``intake.batch.ingest_batch`` bound to the
services: one transaction, each stays atomic, a failing one is retried alone, the others are
not taken down) and only then resolves each handler's
future: no answer before its commit. While a batch is being written the next one gathers, so
the busier intake is, the fewer transactions per webhook. The queue is bounded by the intake
gate in front of it (``max_in_flight``: the next webhook gets 503 at once).

The thread starts with the first webhook and ends after ``IDLE_SECONDS`` without one.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tocsin.services.intake.batch import Outcome, Pending
from tocsin.services.intake.ingest import IngestResult

IDLE_SECONDS = 2.0
MAX_BATCH = 64

Batch = Callable[[Sequence[Pending]], list[Outcome]]
"""Apply pending notifications together; one outcome per item, in order."""


@dataclass(frozen=True, slots=True)
class _Job:
    item: Pending
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[IngestResult]


def _settle(answers: list[tuple[asyncio.Future[IngestResult], Outcome]]) -> None:
    for future, outcome in answers:
        if future.done():  # the client went away; its notification was committed or refused anyway
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


def _answer(batch: list[_Job], outcomes: list[Outcome]) -> None:
    """One wake-up per event loop for the whole batch (not one per webhook)."""
    per_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[IngestResult], Outcome]]] = {}
    for job, outcome in zip(batch, outcomes, strict=True):
        per_loop.setdefault(job.loop, []).append((job.future, outcome))
    for loop, answers in per_loop.items():
        try:
            loop.call_soon_threadsafe(_settle, answers)
        except RuntimeError:  # that event loop is closed: nobody waits for these answers
            continue


class IntakeWriter:
    def __init__(
        self, batch: Batch, *, max_batch: int = MAX_BATCH, idle_seconds: float = IDLE_SECONDS
    ) -> None:
        self._batch = batch
        self._idle_seconds = idle_seconds
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    async def submit(self, item: Pending) -> IngestResult:
        """Queue ``item``; its ``IngestResult`` once committed, or the exception that refused it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[IngestResult] = loop.create_future()
        with self._lock:
            self._queue.put(_Job(item, loop, future))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tocsin-intake", daemon=True)
                self._thread.start()
        return await asyncio.shield(future)

    def _next_batch(self) -> list[_Job] | None:
        try:
            first = self._queue.get(timeout=self._idle_seconds)
        except queue.Empty:
            with self._lock:
                if self._queue.empty():
                    self._thread = None
                    return None
            first = self._queue.get()
        batch = [first]
        while len(batch) < self._max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                outcomes = self._batch([job.item for job in batch])
            except Exception as exc:  # pragma: no cover - ingest_batch returns failures as outcomes
                outcomes = [exc] * len(batch)
            _answer(batch, outcomes)
