"""What the post-mortem use cases need from storage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from tocsin.domain.events import EventKind
from tocsin.domain.incident import Incident
from tocsin.domain.postmortem import PostMortem


class StoredEventLike(Protocol):
    @property
    def at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


class PostMortemRepository(Protocol):
    def get(self, incident_id: int) -> PostMortem | None: ...

    def add(self, pm: PostMortem, at: datetime) -> None: ...

    def save(self, pm: PostMortem, at: datetime) -> None: ...

    def overdue(self, at: datetime, *, limit: int = 50) -> Sequence[PostMortem]:
        """Drafts past their deadline, the most overdue first."""
        ...

    def done(self, incident_ids: Sequence[int]) -> set[int]:
        """Of these incidents, those whose post-mortem is complete or waived."""
        ...


class ComplianceReader(Protocol):
    """Batch reads for the compliance report: a few queries for any number of incidents."""

    def detected_between(self, start: datetime, end: datetime, *, limit: int) -> Sequence[Incident]:
        """Incidents detected in ``[start, end)``, oldest first."""
        ...

    def first_events(
        self, incident_ids: Sequence[int], kinds: Sequence[EventKind]
    ) -> Mapping[tuple[int, EventKind], StoredEventLike]:
        """The first event of each kind of each incident."""
        ...

    def github_linked(self, incident_ids: Sequence[int]) -> set[int]: ...

    def postmortems(self, incident_ids: Sequence[int]) -> Mapping[int, PostMortem]: ...
