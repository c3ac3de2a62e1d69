"""Runbooks: which written procedure fits an incident's alerts. Pure.

A runbook names what it is for in its front matter: alert names, components, services. An
alert name is the most specific match, then a component, then a service; a runbook matched
several ways counts once, at its best.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ALERTNAME, COMPONENT, SERVICE = 0, 1, 2
MATCHED_BY = ("alert name", "component", "service")


@dataclass(frozen=True, slots=True)
class Runbook:
    path: str  # relative to the runbook directory: its identity
    title: str
    body: str
    alertnames: frozenset[str] = frozenset()
    components: frozenset[str] = frozenset()
    services: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Match:
    runbook: Runbook
    rank: int

    @property
    def why(self) -> str:
        return MATCHED_BY[self.rank]


def _rank(runbook: Runbook, labels: Mapping[str, str]) -> int | None:
    if labels.get("alertname") in runbook.alertnames:
        return ALERTNAME
    if labels.get("component") in runbook.components:
        return COMPONENT
    if labels.get("service") in runbook.services:
        return SERVICE
    return None


def matching(runbooks: Iterable[Runbook], label_sets: Sequence[Mapping[str, str]]) -> list[Match]:
    """The runbooks that fit any of these alerts' labels, best match first, each once."""
    best: dict[str, Match] = {}
    for runbook in runbooks:
        ranks = [r for labels in label_sets if (r := _rank(runbook, labels)) is not None]
        if ranks:
            best[runbook.path] = Match(runbook, min(ranks))
    return sorted(best.values(), key=lambda m: (m.rank, m.runbook.title.lower(), m.runbook.path))


def uncovered(alertnames: Iterable[str], runbooks: Iterable[Runbook]) -> list[str]:
    """The alert names no runbook names (sorted)."""
    covered = {name for runbook in runbooks for name in runbook.alertnames}
    return sorted(set(alertnames) - covered)
