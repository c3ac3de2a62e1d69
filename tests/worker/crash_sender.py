"""A worker process killed just after the mail server accepted a page, before its commit.

Usage: crash_sender.py SETTINGS_JSON MARKER_FILE NOW_ISO. It runs the real ``notify.deliver``
with the real e-mail channel; the channel hands the message to the SMTP server, then tells the
test (MARKER_FILE) and hangs until the test SIGKILLs the process."""

import json
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock
from tocsin.config import Settings
from tocsin.worker.runner import Worker


class HangAfterSending:
    def __init__(self, channel, marker):
        self.name = channel.name
        self._channel = channel
        self._marker = marker

    def send(self, notification):
        reference = self._channel.send(notification)
        Path(self._marker).write_text(notification.key)  # the server has it; nothing is committed
        time.sleep(120)
        return reference


def main(settings_json: str, marker: str, now: str) -> None:
    settings = Settings.model_validate(json.loads(settings_json))
    container = bootstrap.build(settings, clock=ManualClock(datetime.fromisoformat(now)))
    services = container.services
    channels = {name: HangAfterSending(c, marker) for name, c in services.paging.channels.items()}
    worker = Worker(container, worker_id="doomed")
    worker._services = replace(services, paging=replace(services.paging, channels=channels))
    worker.run_once()


if __name__ == "__main__":
    main(*sys.argv[1:4])
