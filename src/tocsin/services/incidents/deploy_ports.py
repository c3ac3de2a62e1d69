"""What the deploy use cases need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from tocsin.domain.deploy import Deploy


class DeployRepository(Protocol):
    def add(self, deploy: Deploy) -> Deploy | None:
        """Store it (with its id); ``None`` for a redelivery (same source and external id)."""
        ...

    def between(
        self, start: datetime, end: datetime, *, services: Sequence[str] | None = None, limit: int = 200
    ) -> Sequence[Deploy]:
        """Newest first."""
        ...

    def list(
        self, *, service: str | None = None, environment: str | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[Deploy]: ...

    def get(self, deploy_id: int) -> Deploy | None: ...
