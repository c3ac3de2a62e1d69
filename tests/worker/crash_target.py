"""A worker process for the SIGKILL test: its only handler writes an effect, tells the test it
is mid-job, then sleeps until killed. Usage: crash_target.py DB_URL MARKER_FILE NOW_ISO"""

import sys
import time
from datetime import datetime
from pathlib import Path

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock
from tocsin.config import Settings
from tocsin.domain.events import EventKind, JobKind, TimelineEvent
from tocsin.worker.jobs import JobSpec
from tocsin.worker.runner import Worker


def main(url: str, marker: str, now: str) -> None:
    clock = ManualClock(datetime.fromisoformat(now))

    def write_then_hang(svc, uow, payload):
        event = TimelineEvent(EventKind.NOTE, clock.now(), "crash-target", "effect")
        uow.timeline.append(payload["incident_id"], [event])
        Path(marker).write_text("mid-job")  # the effect is written, the job not yet completed
        time.sleep(120)

    settings = Settings.model_validate({"database": {"url": url}, "worker": {"lease_seconds": 30}})
    container = bootstrap.build(settings, clock=clock)
    Worker(
        container, registry={JobKind.ACK_DEADLINE: JobSpec(handler=write_then_hang)}, worker_id="doomed"
    ).run_once()


if __name__ == "__main__":
    main(*sys.argv[1:4])
