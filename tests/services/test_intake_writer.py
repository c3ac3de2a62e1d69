"""The intake writer: webhooks waiting at once are committed together, each answered only
after its commit, each with its own outcome."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from tests.services.test_intake_batch import Boom, fail_on, pending
from tocsin.domain.incident import IncidentId
from tocsin.services.intake.batch import ingest_batch
from tocsin.services.intake.ingest import IngestResult
from tocsin.services.intake.writer import Batch, IntakeWriter


def run(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``main()`` to completion on an event loop in a thread of its own: other tests (the
    browser's) may leave an event loop running in this one."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(asyncio.run(main())))
    thread.start()
    thread.join(timeout=30)
    return box[0]


def committed(services, incident_id: IncidentId | None) -> bool:
    """Seen from another connection: only what was committed."""
    if incident_id is None:
        return False
    with services.read() as uow:
        return uow.alerts.counts([incident_id]).get(incident_id) is not None


def slow_batches(services, sizes: list[int]) -> Batch:
    """The batch function, recording batch sizes; the first batch takes a while, so the next
    ones gather."""

    def recording(items):
        if not sizes:
            time.sleep(0.2)
        outcomes = ingest_batch(services, items)
        sizes.append(len(items))
        return outcomes

    return recording


def test_waiting_webhooks_commit_together_and_are_answered_after_their_commit(services, monkeypatch):
    sizes: list[int] = []
    writer = IntakeWriter(slow_batches(services, sizes))

    async def one(i: int) -> bool:
        if i:
            await asyncio.sleep(0.05)  # the first one is being written: these wait together
        result = await writer.submit(pending(f"g{i}"))
        return committed(services, result.incident_id)

    async def main() -> list[bool]:
        return await asyncio.gather(*(one(i) for i in range(10)))

    assert run(main) == [True] * 10
    assert sizes[0] == 1
    assert max(sizes) > 1
    assert sum(sizes) == 10


def test_each_webhook_gets_its_own_outcome(services, monkeypatch):
    fail_on(monkeypatch, "bad", Boom("no"))
    writer = IntakeWriter(slow_batches(services, []))

    async def one(group: str) -> object:
        if group != "first":
            await asyncio.sleep(0.05)
        try:
            return await writer.submit(pending(group))
        except Boom as exc:
            return exc

    async def main() -> list[object]:
        return await asyncio.gather(*(one(g) for g in ("first", "g1", "bad", "g2")))

    outcomes = run(main)
    assert [type(o) for o in outcomes] == [IngestResult, IngestResult, Boom, IngestResult]
    assert all(committed(services, o.incident_id) for o in outcomes if isinstance(o, IngestResult))


def test_the_thread_ends_when_idle_and_starts_again(services):
    writer = IntakeWriter(lambda items: ingest_batch(services, items), idle_seconds=0.05)
    first = run(lambda: writer.submit(pending("g1")))
    deadline = time.monotonic() + 5
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer._thread is None
    second = run(lambda: writer.submit(pending("g2")))
    assert committed(services, first.incident_id)
    assert committed(services, second.incident_id)
