"""The incident figures that ``/metrics`` publishes, as a read model: what the scrape asks, not
how the store answers it (an adapter runs the aggregate queries)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from tocsin.domain.severity import Severity


@dataclass(frozen=True, slots=True)
class IncidentCounts:
    open_by_severity: Mapping[Severity, int]
    sla_breaches: int


@dataclass(frozen=True, slots=True)
class Durations:
    """Detection to ``end`` of every incident that reached it, for one severity."""

    count: int
    total_seconds: float
    cumulative: Sequence[int]
    """How many took at most each bucket's bound (same order as the bounds asked)."""


class IncidentFigures(Protocol):
    def counts(self) -> IncidentCounts:
        """Open incidents per severity (zero for absent ones) and the response-time breaches
        recorded, read-only, in one short transaction."""
        ...

    def durations(
        self, end: Literal["acknowledged", "resolved"], bounds: Sequence[float]
    ) -> Mapping[Severity, Durations]:
        """Detection to acknowledgement or resolution, bucketed by the store (every severity)."""
        ...
