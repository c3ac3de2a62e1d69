"""Severity levels P0–P3 and what the plan requires of each.

The plan's table: P0 Critical (< 15 min), P1 High (< 1 h), P2 Medium (< 4 h), P3 Low (< 24 h).
``SeverityLevel`` carries one row of it plus the per-severity requirements (escalation targets,
public status page, customer email, post-mortem). The values come from configuration; the
defaults in ``tocsin.config`` reproduce the plan word for word.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from tocsin.domain.errors import InvalidInput


class Severity(StrEnum):
    """Ordered: P0 is the most severe. Comparisons use ``rank`` (0 = most severe)."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"

    @property
    def rank(self) -> int:
        return int(self[1])  # the text itself: ``.value`` goes through Enum's descriptor

    @classmethod
    def parse(cls, value: str) -> Severity:
        """Accept ``P1``/``p1``; raise ``InvalidInput`` naming the allowed values otherwise."""
        try:
            return cls(value.strip().upper())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise InvalidInput(f"unknown severity {value!r}: allowed values are {allowed}") from None


@dataclass(frozen=True, slots=True)
class SeverityLevel:
    """One row of the plan's severity table and the requirements attached to it."""

    severity: Severity
    name: str
    impact: str
    examples: tuple[str, ...]
    response_time: timedelta
    escalate_to: tuple[str, ...]
    status_page: bool
    customer_email_after: timedelta | None
    postmortem_due_after: timedelta | None

    @property
    def label(self) -> str:
        """``P1 (High)``: the plan's own way of naming a level."""
        return f"{self.severity.value} ({self.name})"


@dataclass(frozen=True, slots=True)
class Plan:
    """The active incident response plan: one ``SeverityLevel`` per severity."""

    levels: tuple[SeverityLevel, ...]
    gdpr_authority: str
    gdpr_notification_deadline: timedelta

    def __post_init__(self) -> None:
        present = {level.severity for level in self.levels}
        if len(present) != len(self.levels):
            raise InvalidInput("the plan defines a severity level twice")
        missing = [s.value for s in Severity if s not in present]
        if missing:
            raise InvalidInput(f"the plan defines no level for {', '.join(missing)}")

    def level(self, severity: Severity) -> SeverityLevel:
        for level in self.levels:
            if level.severity is severity:
                return level
        raise AssertionError(f"unreachable: {severity} checked in __post_init__")  # pragma: no cover

    def response_time(self, severity: Severity) -> timedelta:
        return self.level(severity).response_time
