"""The console channel: every notification (or plain mail) printed as a short block, for development and
drills. The twin of the real channels; it never talks to the network."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.notification import Notification
from tocsin.services.paging.ports import Letter, Post


class ConsoleChannel:
    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, message: Notification | Letter | Post, key: str) -> str:
        if isinstance(message, Post):
            lines = [f"── tocsin WEBHOOK {message.event} → {message.url}", f"   {message.body.decode()}"]
            return self._write([*lines, f"   delivery {key}"], key)
        if isinstance(message, Letter):
            return self._write(
                [
                    f"── tocsin MAIL → {message.sender_name} → <{message.to}>",
                    f"   {message.subject}",
                    *(f"   {line}" for line in message.body.splitlines()),
                    f"   delivery {key}",
                ],
                key,
            )
        notification = message
        lines = [
            f"── tocsin {notification.purpose.value.upper()} → {notification.name} <{notification.address}>",
            f"   {notification.subject}",
            f"   {notification.text}",
        ]
        if notification.url:
            lines.append(f"   {notification.url}")
        lines.append(f"   delivery {key}")
        return self._write(lines, key)

    def _write(self, lines: list[str], key: str) -> str:
        stream = self._stream or sys.stderr
        try:
            with self._lock:
                stream.write("\n".join(lines) + "\n")
                stream.flush()
        except (OSError, ValueError) as exc:
            raise DeliveryFailed(f"console: {type(exc).__name__}") from None
        return f"console:{key}"
