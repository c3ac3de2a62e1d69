"""Escalation timers: N pending step timers due over one minute; how late does each fire?

Setup opens N P1 incidents through the real ``open_incident`` path (200 per transaction) with
detection times chosen so that each one's step-2 timer falls due at a different instant of
the coming minute. Then ``Worker`` loops run the real ``escalation.step`` handler (lock
the incident, check the fencing tokens, run the step, write timeline + state, complete the
job) in two worker processes (``TOCSIN_BENCH_WORKERS``) against the real clock, as two
``tocsin worker`` would.
Lateness = when the handler ran - when the timer was due.

    python bench/timers.py [N] [SECONDS]            # default 10000 timers over 60 s
    TOCSIN_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test  (admin database;
    a scratch database is created and dropped; unset or unreachable: SQLite only)

Goal: p99 lateness < 1 s on both databases.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.bootstrap.services import AppServices
from tocsin.config import Settings
from tocsin.domain.events import JobKind
from tocsin.domain.severity import Severity
from tocsin.platform.logs import configure_logging
from tocsin.services.incidents.incidents import open_incident
from tocsin.services.paging import escalation
from tocsin.services.ports import UnitOfWork
from tocsin.worker.jobs import JOBS, JobSpec
from tocsin.worker.runner import Worker

WAIT = timedelta(minutes=30)
LEAD = timedelta(seconds=3)  # timers start falling due this long after setup ends
SETUP_PER_TIMER = timedelta(milliseconds=6)
WORKERS = int(os.environ.get("TOCSIN_BENCH_WORKERS", "2"))


class BenchClock:
    """Manual while setting up (to back-date detections), the real clock afterwards."""

    def __init__(self) -> None:
        self.manual: datetime | None = None

    def now(self) -> datetime:
        return self.manual or datetime.now(UTC)


def settings_for(url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": url},
            "worker": {"poll_interval_seconds": 0.05, "batch_size": 25, "lease_seconds": 60},
            "people": {"sofia": {"name": "Sofia", "email": "sofia@example.org"}},
            "schedules": {"sre_oncall": {"participants": ["sofia"]}},
            "escalation": {"P1": {"steps": [{"wait": "30m"}, {"targets": ["schedule:sre_oncall"]}]}},
        }
    )


def setup(container: bootstrap.Container, clock: BenchClock, n: int, spread: float) -> datetime:
    start = datetime.now(UTC) + LEAD + n * SETUP_PER_TIMER  # room for the setup itself
    svc = container.services
    for first in range(0, n, 200):
        with svc.uow() as uow:
            for i in range(first, min(first + 200, n)):
                clock.manual = start + timedelta(seconds=spread * i / n) - WAIT
                open_incident(
                    svc, uow, title=f"bench {i}", severity=Severity.P1, summary="", source="bench", by="bench"
                )
            uow.commit()
    clock.manual = None
    return start


def work(url: str, worker_id: str, stop: Any, results: Any) -> None:
    """One worker process (as ``tocsin worker`` would be): run timers until told to stop,
    then report the lateness of each one it fired."""
    configure_logging("WARNING", "console")
    container = bootstrap.build(settings_for(url), clock=BenchClock())
    lateness: list[float] = []

    def timed_step(svc: AppServices, uow: UnitOfWork, payload: Mapping[str, Any]) -> object:
        state = uow.escalations.get(int(payload["incident_id"]))
        fired = escalation.fire_step(svc, uow, payload)
        if fired and state is not None and state.next_step_at is not None:
            lateness.append((datetime.now(UTC) - state.next_step_at).total_seconds())
        return fired

    registry = dict(JOBS) | {JobKind.ESCALATION_STEP: JobSpec(handler=timed_step)}
    worker = Worker(container, registry, worker_id=worker_id)
    results.put("ready")
    try:
        worker.run(stop)  # a claim that fails (SQLite busy during the setup) is waited out
    finally:
        container.close()
        results.put(lateness)


def run(url: str, n: int, spread: float) -> list[float]:
    migrate.upgrade(url)
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=work, args=(url, f"bench-{i}", stop, results)) for i in range(WORKERS)
    ]
    for process in processes:
        process.start()
    for _ in processes:
        results.get()  # "ready": imported, connected
    clock = BenchClock()
    container = bootstrap.build(settings_for(url), clock=clock)
    try:
        start = setup(container, clock, n, spread)
    finally:
        container.close()
    if datetime.now(UTC) > start:
        print(f"warning: setup overran the first timer by {datetime.now(UTC) - start}")
    while datetime.now(UTC) < start + timedelta(seconds=spread):
        time.sleep(0.2)
    time.sleep(min(30.0, 5 + spread / 4))  # let the stragglers fire (and show up as late)
    stop.set()
    lateness = [value for _ in processes for value in results.get()]
    for process in processes:
        process.join()
    if len(lateness) != n:
        raise SystemExit(f"{url.split(':', maxsplit=1)[0]}: {len(lateness)} of {n} timers fired")
    return lateness


def report(name: str, lateness: list[float], n: int, spread: float) -> None:
    ordered = sorted(lateness)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    verdict = "OK" if p99 < 1.0 else "MISSED"
    print(
        f"{name:<10} {n} timers over {spread:.0f}s: lateness p50 {p50 * 1000:7.1f} ms, "
        f"p99 {p99 * 1000:7.1f} ms, max {ordered[-1] * 1000:7.1f} ms  (goal p99 < 1 s: {verdict})"
    )


def postgres(admin_url: str) -> tuple[sa.engine.Engine, str] | None:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError:
        admin.dispose()
        return None
    name = f"tocsin_bench_{secrets.token_hex(4)}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return admin, name


def main() -> None:
    configure_logging("WARNING", "console")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    spread = float(sys.argv[2]) if len(sys.argv) > 2 else 60.0
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", run(f"sqlite:///{Path(tmp) / 'timers.db'}", n, spread), n, spread)
    admin_url = os.environ.get("TOCSIN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    found = postgres(admin_url)
    if found is None:
        print("PostgreSQL  skipped (unreachable)")
        return
    admin, name = found
    try:
        url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        report("PostgreSQL", run(url, n, spread), n, spread)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
