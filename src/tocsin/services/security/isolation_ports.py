"""What the isolation use cases need: the configured actions and something that sends them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tocsin.domain.isolation import Action, Outcome, Request


class Caller(Protocol):
    def call(self, request: Request, timeout: float) -> Outcome:
        """Send ``request`` once; never raises for a timeout, a refused connection or an
        error status: they come back as the ``Outcome``."""
        ...


@dataclass(frozen=True, slots=True)
class Isolation:
    caller: Caller
    actions: Mapping[str, Action] = field(default_factory=dict)
    """By key, in the configuration's order."""
