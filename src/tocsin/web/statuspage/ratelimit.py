"""A small in-memory sliding-window limiter for the public subscribe form (per client and
overall), so the form cannot be used to mail-bomb addresses or fill the database."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, *, per_client: int, overall: int, window: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self._per_client, self._overall, self._window, self._now = per_client, overall, window, now
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        with self._lock:
            now = self._now()
            hits = self._hits[client]
            for queue in (hits, self._all):
                while queue and queue[0] <= now - self._window:
                    queue.popleft()
            if len(hits) >= self._per_client or len(self._all) >= self._overall:
                return False
            hits.append(now)
            self._all.append(now)
            if len(self._hits) > 10_000:  # forget idle clients
                for key in [k for k, q in self._hits.items() if not q]:
                    del self._hits[key]
            return True
