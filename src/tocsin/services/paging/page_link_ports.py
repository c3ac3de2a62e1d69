"""What the page links (``services.paging.page_links``) need from storage."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from tocsin.domain.page_link import Action, PageLink


class PageLinkRepository(Protocol):
    def add(self, links: Sequence[PageLink]) -> None:
        """Record links; one whose token hash is already recorded is skipped (a page planned
        twice keeps its first links)."""
        ...

    def find(self, token_hash: str) -> PageLink | None: ...

    def use(self, key: str, action: Action, at: datetime) -> int:
        """Mark every unused link of page ``key`` used for ``action``; returns how many."""
        ...


class InstallSecretRepository(Protocol):
    def get_or_create(self, name: str, candidate: str, at: datetime) -> str:
        """The secret called ``name``; the first caller stores ``candidate`` (two processes
        starting together agree on whichever was stored first)."""
        ...


class SecretCache:
    """Install secrets read once per process: the first use loads (or creates) one, every later
    use gets it from memory."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, name: str, load: Callable[[], str]) -> str:
        with self._lock:
            if name not in self._values:
                self._values[name] = load()
            return self._values[name]
