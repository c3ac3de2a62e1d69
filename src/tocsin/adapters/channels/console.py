"""The console channel: every notification printed as a short block, for development and
drills. The twin of the real channels; it never talks to the network."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from tocsin.domain.notification import Notification
from tocsin.services.paging import DeliveryFailed


class ConsoleChannel:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> str:
        lines = [
            f"── tocsin {notification.purpose.value.upper()} → {notification.name} <{notification.address}>",
            f"   {notification.subject}",
            f"   {notification.text}",
        ]
        if notification.url:
            lines.append(f"   {notification.url}")
        lines.append(f"   delivery {notification.key}")
        stream = self._stream or sys.stderr
        try:
            with self._lock:
                stream.write("\n".join(lines) + "\n")
                stream.flush()
        except (OSError, ValueError) as exc:
            raise DeliveryFailed(f"console: {type(exc).__name__}") from None
        return f"console:{notification.key}"
