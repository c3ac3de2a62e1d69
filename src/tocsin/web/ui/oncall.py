"""Who the plan pages now: each escalation target of the severities' policies and the people
behind it at this moment (a schedule resolves to whoever is on call, overrides included).

``on_call_now`` is the one place the UI asks; it delegates to the on-call service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tocsin.domain.severity import Severity
from tocsin.services.paging import oncall
from tocsin.services.paging.context import PagingContext


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class OnCall:
    target: str  # role:cto, schedule:sre_oncall, team:dev
    kind: str
    name: str
    people: tuple[Person, ...]
    exact: bool
    """True when ``people`` are the ones paged now (always, since schedules are resolved)."""
    severities: tuple[Severity, ...]


def on_call_now(services: PagingContext, at: datetime) -> list[OnCall]:
    """One entry per escalation target of the plan, in severity order."""
    return [
        OnCall(
            target=entry.target,
            kind=entry.kind,
            name=entry.name,
            people=tuple(Person(p.id, p.name, p.email) for p in entry.people),
            exact=True,
            severities=entry.severities,
        )
        for entry in oncall.on_call_now(services.paging, at)
    ]
