"""Job throughput on SQLite: enqueue + claim + complete, against a baseline measured in the same run.

The baseline is the cheapest durable write there is: one single-row INSERT per committed
transaction on the same engine settings (WAL, synchronous=NORMAL, BEGIN IMMEDIATE). A job costs
2 + 1/BATCH transactions (its enqueue, its share of a batched claim, its completion), so a
ratio of 1 / (2 + 1/BATCH), about 0.48 for batches of 10, would mean the queue costs nothing
beyond its commits.

    python bench/bench_jobs.py [N] [BATCH]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from tocsin.adapters.clock import ManualClock
from tocsin.adapters.db import migrate
from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.jobs import JobStore
from tocsin.adapters.db.uow import SqlUnitOfWork
from tocsin.domain.events import JobKind, JobRequest

T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def baseline(url: str, n: int) -> float:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bench (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    started = time.perf_counter()
    for i in range(n):
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO bench (payload) VALUES (:p)"), {"p": f'{{"n": {i}}}'})
    elapsed = time.perf_counter() - started
    engine.dispose()
    return n / elapsed


def jobs(url: str, n: int, batch: int) -> float:
    migrate.upgrade(url)
    engine = create_engine(url)
    clock = ManualClock(T0)
    store = JobStore(engine)
    started = time.perf_counter()
    for i in range(n):
        with SqlUnitOfWork(engine, clock, max_attempts=5) as uow:
            uow.jobs.enqueue([JobRequest(JobKind.SLA_BREACHED, T0, {"n": i}, f"bench:{i}")])
            uow.commit()
    done = 0
    while claimed := store.claim(batch, timedelta(minutes=1), "bench", clock.now()):
        for job in claimed:
            with SqlUnitOfWork(engine, clock, max_attempts=5) as uow:
                if job.claim_token is None or not uow.jobs.complete(job.id, job.claim_token):
                    raise SystemExit(f"job {job.id} could not be completed")
                uow.commit()
                done += 1
    elapsed = time.perf_counter() - started
    engine.dispose()
    if done != n:
        raise SystemExit(f"expected {n} jobs done, got {done}")
    return n / elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    batch = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline(f"sqlite:///{Path(tmp) / 'baseline.db'}", n)
        rate = jobs(f"sqlite:///{Path(tmp) / 'jobs.db'}", n, batch)
    print(f"baseline: {base:8.0f} single-row commits/s")
    print(f"jobs:     {rate:8.0f} jobs/s (enqueue + claim in batches of {batch} + complete), n={n}")
    ceiling = 1 / (2 + 1 / batch)
    print(f"ratio:    {rate / base:8.2f} jobs per baseline commit (commit-bound ceiling {ceiling:.2f})")


if __name__ == "__main__":
    main()
