"""What every use case needs: the unit-of-work factory, the clock and the active plan."""

from __future__ import annotations

from dataclasses import dataclass

from tocsin.domain.severity import Plan
from tocsin.services.ports import Clock, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Services:
    uow: UnitOfWorkFactory
    clock: Clock
    plan: Plan
