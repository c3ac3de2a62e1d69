"""Preserving an incident's logs from Loki into its evidence locker. Pure.

The window runs from ``BEFORE`` (15 min) before detection to the resolution (or now while the
incident is open). Loki answers at most ``limit`` entries per ``query_range`` call, so the logs
are read forward in pages: the next page starts at the last timestamp seen (inclusive, so
entries sharing that nanosecond are not lost), skipping the entries already kept at exactly
that timestamp. Lines are kept as newline-delimited JSON, one object per log line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

BEFORE = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class LogLine:
    ts: int
    """Nanoseconds since the epoch, as Loki gives them."""
    labels: Mapping[str, str]
    line: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.ts, json.dumps(dict(sorted(self.labels.items()))), self.line)

    def ndjson(self) -> bytes:
        seconds, nanos = divmod(self.ts, 1_000_000_000)
        at = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos:09d}Z"
        record = {"ts": str(self.ts), "time": at, "labels": dict(self.labels), "line": self.line}
        return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def window(detected_at: datetime, resolved_at: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    return detected_at - BEFORE, resolved_at or now


def ns(at: datetime) -> int:
    delta = at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


@dataclass
class Cursor:
    """Where the next page starts, and what was already kept at that timestamp."""

    start: int
    end: int
    edge: set[tuple[int, str, str]] = field(default_factory=set)
    done: bool = False

    def take(self, page: Sequence[LogLine], limit: int) -> list[LogLine]:
        """The page's new lines in time order; moves the cursor past them. A page shorter than
        ``limit`` is the last one; a full page of nothing new (more than ``limit`` lines in one
        nanosecond) moves past that nanosecond rather than asking again forever."""
        ordered = sorted(page, key=lambda line: line.key)
        fresh = [line for line in ordered if line.key not in self.edge and self.start <= line.ts <= self.end]
        if len(page) < limit:
            self.done = True
        elif not fresh:
            self.start, self.edge = self.start + 1, set()
        else:
            last = fresh[-1].ts
            at_edge = {line.key for line in fresh if line.ts == last}
            self.edge = at_edge | (self.edge if last == self.start else set())
            self.start = last
        if self.start > self.end:
            self.done = True
        return fresh
