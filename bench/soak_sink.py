"""The soak's SMTP sink, in a process of its own (so the storm's threads do not slow it down):
every message it accepts becomes one JSON line ``{"subject", "to", "at"}`` in FILE, ``at``
being ``time.monotonic()`` (one clock for every process of the machine).

    python bench/soak_sink.py PORT FILE
"""

from __future__ import annotations

import email
import email.policy
import json
import signal
import sys
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        line = json.dumps(
            {"subject": str(message["Subject"]), "to": str(message["To"]), "at": time.monotonic()}
        )
        with self.lock:
            self.out.write(line + "\n")
            self.out.flush()
        return "250 OK"


def main(port: str, path: str) -> None:
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=int(port))
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
