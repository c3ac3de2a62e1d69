"""What the evidence locker's use cases need: its rows, its files, and Loki."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol

from tocsin.domain.evidence import Entry, Item
from tocsin.domain.evidence_logs import LogLine


class EvidenceRepository(Protocol):
    def add_item(self, item: Item) -> Item:
        """Store it; returns it with its id."""
        ...

    def get_item(self, incident_id: int, item_id: int) -> Item | None: ...

    def items(self, incident_id: int, *, deleted: bool = False) -> Sequence[Item]:
        """Live items (and deleted ones with ``deleted``), oldest first."""
        ...

    def find_live(self, incident_id: int, sha256: str) -> Item | None:
        """A live item of this incident with this hash."""
        ...

    def live_with_hash(self, sha256: str) -> int:
        """How many live items (any incident) keep a file with this hash."""
        ...

    def mark_deleted(self, item_id: int, at: datetime, by: str) -> None: ...

    def entries(self, incident_id: int) -> Sequence[Entry]:
        """The custody log, by sequence number."""
        ...

    def append(self, entry: Entry) -> None: ...


class Staged(Protocol):
    """An upload written to a temporary file inside the locker, hashed as it came."""

    sha256: str
    size: int

    def keep(self) -> bool:
        """Move it to its content address; ``True`` when that file is new (not already there)."""
        ...

    def discard(self) -> None:
        """Remove the temporary file (no-op once kept)."""
        ...


class TooLarge(Exception):
    """The upload went past the locker's size limit; nothing of it is left."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the evidence is larger than the limit of {limit} bytes")
        self.limit = limit


class Receiver(Protocol):
    def write(self, chunk: bytes) -> None:
        """Append to the temporary file; ``TooLarge`` (having removed it) past the limit."""
        ...

    def finish(self) -> Staged: ...

    def abort(self) -> None: ...


class EvidenceStore(Protocol):
    def receive(self, limit: int) -> Receiver:
        """Start a temporary file inside the locker's directory."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """The stored file (``NotFound`` when it is missing)."""
        ...

    def remove(self, sha256: str) -> None:
        """Remove the file if it is there."""
        ...

    def digest(self, sha256: str) -> str | None:
        """The SHA-256 of the stored file as it is now (``None``: missing)."""
        ...

    def bundle(self, files: Sequence[tuple[str, str]], documents: dict[str, bytes]) -> BinaryIO:
        """A zip (a temporary file, deleted when closed): ``(archive path, sha256)`` files read
        from the store — checked against their hash on the way in (``Conflict`` when one no
        longer matches) — then ``documents``."""
        ...


class LogSourceError(Exception):
    """Loki failed or answered something else than log lines; the message says what."""


class LogSource(Protocol):
    def query_range(self, query: str, start: int, end: int, limit: int) -> Sequence[LogLine]:
        """One ``query_range`` call, forward from ``start`` (nanoseconds, inclusive) to ``end``."""
        ...


@dataclass(frozen=True, slots=True)
class Locker:
    """The evidence locker's configuration (``security.evidence``)."""

    store: EvidenceStore
    max_bytes: int
    loki: LogSource | None = None
    loki_query: str = '{job=~".+"}'
    page_limit: int = 1000
    max_pages: int = 1000


def chunks(stream: BinaryIO, size: int = 1024 * 1024) -> Iterator[bytes]:
    """Read ``stream`` in pieces, closing it at the end."""
    with stream:
        while piece := stream.read(size):
            yield piece
