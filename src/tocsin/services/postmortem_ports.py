"""What the post-mortem use cases need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tocsin.domain.postmortem import PostMortem


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
