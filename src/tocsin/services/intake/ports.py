"""What alert intake needs from storage, beyond the core ports (``services.ports``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tocsin.domain.alert import AlertCounts, AlertGroup, AlertStatus, StoredAlert
from tocsin.domain.incident import Incident, IncidentId


@dataclass(frozen=True, slots=True)
class AlertKey:
    """An alert's place in an incident's list (firing first, then first seen, then id)."""

    status: AlertStatus
    first_seen_at: datetime
    id: int


class AlertRepository(Protocol):
    def current(self, group_id: str) -> tuple[Incident, AlertGroup] | None:
        """The group's current incident, row-locked until commit, with its group record."""
        ...

    def current_with(
        self, group_id: str, fingerprints: Sequence[str]
    ) -> tuple[Incident, AlertGroup, Mapping[str, StoredAlert]] | None:
        """``current``, and what ``lookup`` finds of ``fingerprints`` in its incident: in one
        statement where the store allows it."""
        ...

    def claim(self, incident: Incident, group_id: str, group: AlertGroup) -> None:
        """Make ``incident`` (just opened) the group's current incident.

        Raises ``Conflict`` when the schema refuses it: another transaction opened an incident
        for the group meanwhile. The caller rolls back and starts over (it will attach).
        """
        ...

    def save_group(self, incident_id: IncidentId, group: AlertGroup) -> None: ...

    def lookup(self, incident_id: IncidentId, fingerprints: Sequence[str]) -> Mapping[str, StoredAlert]:
        """The incident's stored alerts with these fingerprints (the others are summed up by
        the group's ``AlertTally``)."""
        ...

    def write(self, rows: Sequence[StoredAlert]) -> None:
        """Insert rows without ``id``, update those with one."""
        ...

    def list(
        self,
        incident_id: IncidentId,
        *,
        limit: int | None = None,
        offset: int = 0,
        after: AlertKey | None = None,
    ) -> Sequence[StoredAlert]:
        """Firing first, then by first seen; ``limit``/``offset`` page through a big group,
        ``after`` seeks past an alert (keyset paging: no rows skipped one by one)."""
        ...

    def names(self, limit: int = 10_000) -> Sequence[str]:
        """The distinct alert names ever received, sorted."""
        ...

    def counts(self, incident_ids: Sequence[IncidentId]) -> Mapping[IncidentId, AlertCounts]:
        """Only incidents with alerts appear."""
        ...
