"""Bearer tokens recently found valid, kept a few seconds so that a busy API client costs one
token lookup per ``TTL`` instead of one per request.

The bound: a token revoked in this process is forgotten at once (``forget``); a token revoked
through another replica (or the CLI, another process) is still accepted here for at most
``TTL`` after the revocation. Unknown or revoked secrets are never cached.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from tocsin.domain.access import ApiToken

TTL = timedelta(seconds=10)
MAX_ENTRIES = 1024  # tokens in use at once; beyond that the cache starts over (never grows)


class TokenCache:
    """Token records by secret hash, each until ``now + TTL``; thread-safe."""

    def __init__(self, ttl: timedelta = TTL) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[ApiToken, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, secret_hash: str, now: datetime) -> ApiToken | None:
        with self._lock:
            entry = self._entries.get(secret_hash)
            if entry is None:
                return None
            token, until = entry
            if now >= until or now < until - self._ttl:  # expired, or the clock went back
                del self._entries[secret_hash]
                return None
            return token

    def put(self, secret_hash: str, token: ApiToken, now: datetime) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES and secret_hash not in self._entries:
                self._entries.clear()
            self._entries[secret_hash] = (token, now + self._ttl)

    def update(self, secret_hash: str, token: ApiToken) -> None:
        """Replace a cached record (its ``last_used_at``) without extending its life."""
        with self._lock:
            entry = self._entries.get(secret_hash)
            if entry is not None:
                self._entries[secret_hash] = (token, entry[1])

    def forget(self) -> None:
        """Drop every entry: a token was revoked in this process."""
        with self._lock:
            self._entries.clear()
