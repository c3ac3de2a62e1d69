"""The plan's triage answers: how many users, which features and components are down, and
whether security or data are at risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_USERS = 2**31 - 1  # the most the database stores (PostgreSQL's integer)


@dataclass(frozen=True, slots=True)
class Impact:
    """The plan's triage questions: how many users, which features down, security/data risk."""

    users_affected: int | None = None
    features_down: tuple[str, ...] = ()
    components_down: tuple[str, ...] = ()
    security_risk: bool = False
    data_risk: bool = False
    assessed_at: datetime | None = None

    def describe(self) -> str:
        users = "unknown" if self.users_affected is None else str(self.users_affected)
        parts = [f"users affected: {users}"]
        if self.features_down:
            parts.append(f"features down: {', '.join(self.features_down)}")
        if self.components_down:
            parts.append(f"components down: {', '.join(self.components_down)}")
        risks = [name for name, on in (("security", self.security_risk), ("data", self.data_risk)) if on]
        parts.append(f"risk: {', '.join(risks)}" if risks else "no security or data risk")
        return "; ".join(parts)
