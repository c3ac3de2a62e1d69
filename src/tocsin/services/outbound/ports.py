"""The record of sends in flight (see ``services.outbound.sends``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class SendRepository(Protocol):
    def start(self, key: str, at: datetime) -> int:
        """Record that the send ``key`` starts; returns how many starts are now on record
        without a finish (1: no earlier attempt stopped between the provider and the commit)."""
        ...

    def finish(self, key: str) -> None:
        """The send's outcome is recorded (sent), or it surely never reached the provider."""
        ...
