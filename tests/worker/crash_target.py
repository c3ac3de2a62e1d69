"""A worker process for the SIGKILL tests. Usage: crash_target.py DB_URL MARKER_FILE NOW [LEASE_S]

NOW is an ISO time: a manual clock stopped there, and a handler that writes an effect, tells
the test it is mid-job, then sleeps until killed. Or ``real``: the system clock, and a handler
that tells the test it is mid-job and then waits, as on a slow provider, without a statement
(the tests that measure how soon a killed worker's job comes back)."""

import sys
import time
from datetime import datetime
from pathlib import Path

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock, SystemClock
from tocsin.config import Settings
from tocsin.domain.events import EventKind, JobKind, TimelineEvent
from tocsin.worker.jobs import JobSpec
from tocsin.worker.runner import Worker


def main(url: str, marker: str, now: str, lease: str = "30") -> None:
    clock = SystemClock() if now == "real" else ManualClock(datetime.fromisoformat(now))

    def write_then_hang(svc, uow, payload):
        event = TimelineEvent(EventKind.NOTE, clock.now(), "crash-target", "effect")
        uow.timeline.append(payload["incident_id"], [event])
        Path(marker).write_text("mid-job")  # the effect is written, the job not yet completed
        time.sleep(120)

    def hang_in_a_call(svc, uow, payload):
        Path(marker).write_text("mid-job")
        time.sleep(120)

    handler = hang_in_a_call if now == "real" else write_then_hang
    worker = {"lease_seconds": float(lease)}
    settings = Settings.model_validate({"database": {"url": url}, "worker": worker})
    container = bootstrap.build(settings, clock=clock)
    Worker(
        container, registry={JobKind.ACK_DEADLINE: JobSpec(handler=handler)}, worker_id="doomed"
    ).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:5])
