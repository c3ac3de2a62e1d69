"""Alert counts as shown in the incident JSON (``alerts`` of ``IncidentOut``)."""

from __future__ import annotations

from pydantic import BaseModel

from tocsin.domain.alert import AlertCounts


class AlertCountsOut(BaseModel):
    """``truncated``: alerts the sender said it left out of its last notification."""

    firing: int
    resolved: int
    total: int
    truncated: int

    @classmethod
    def render(cls, counts: AlertCounts | None) -> AlertCountsOut:
        counts = counts or AlertCounts()
        return cls(
            firing=counts.firing, resolved=counts.resolved, total=counts.total, truncated=counts.truncated
        )
