"""What every use case needs: the unit-of-work factories, the clock, the active plan, and the
port through which a written change reaches every feature's reaction.

``Services`` is a ``Protocol``: each feature declares beside its ports the context it needs on
top of it (``services.paging.context.PagingContext``: the paging settings, and so on), and a use
case names the narrowest one, so ``mypy --strict`` proves it touches nothing else. The one
object that satisfies them all is built by the composition root (``tocsin.bootstrap.services``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tocsin.domain.events import Change, TimelineEvent
from tocsin.domain.severity import Plan
from tocsin.services.ports import Clock, UnitOfWork, UnitOfWorkFactory


class Services(Protocol):
    """``uow`` opens a unit of work for a use case that writes; ``read`` one for queries only
    (it cannot commit, and on SQLite it does not take the write lock)."""

    @property
    def uow(self) -> UnitOfWorkFactory: ...

    @property
    def read(self) -> UnitOfWorkFactory: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def plan(self) -> Plan: ...

    def follow_up(self, uow: UnitOfWork, change: Change) -> Sequence[TimelineEvent]:
        """The reactions that add timeline lines to ``change`` (escalation's steps), run first;
        ``persist`` writes their lines with the change's own, in one insert."""
        ...

    def react(self, uow: UnitOfWork, change: Change) -> None:
        """Everything ``change`` implies beyond its own rows (``services.reactions``), in ``uow``:
        ``persist`` calls it without knowing the features that react."""
        ...
