"""Bounded intake.

``Gate`` admits at most ``limit`` webhooks at once (being processed or waiting for a thread or
the database); the next one is answered 503 at once, which Alertmanager retries, instead of
queueing without bound while the database is slow. Used from the event loop only.
"""

from __future__ import annotations


class Gate:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inside = 0

    def enter(self) -> bool:
        if self.inside >= self.limit:
            return False
        self.inside += 1
        return True

    def leave(self) -> None:
        self.inside -= 1
