"""One read-only unit of work for a whole page: every use case the page calls shares it.

A page such as the incident room calls a dozen read use cases, each of which opens its own
``svc.read()``: a dozen pool checkouts and transactions (on SQLite, a dozen ``BEGIN`` and
``ROLLBACK``), and the incident read again by each of them to check the reader's clearance.
``shared_read`` opens one, and hands out a copy of the services whose ``read`` lends it: the
use cases stay as they are (each still checks what it checks), their ``with`` blocks neither
open nor close anything, and within it the incident rows read by id are read once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, TypeVar, cast

from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.ports import IncidentRepository, UnitOfWork

S = TypeVar("S", bound=Services)


class _Lent:
    """``svc.read()`` inside a shared read: enters to the open unit of work, closes nothing."""

    __slots__ = ("_uow",)

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __enter__(self) -> UnitOfWork:
        return self._uow

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


class _OnceById:
    """The incidents repository with ``get`` remembered for the length of the read (read-only:
    nothing in it writes); everything else passes through."""

    def __init__(self, inner: IncidentRepository) -> None:
        self._inner = inner
        self._got: dict[IncidentId, Incident] = {}

    def get(self, incident_id: IncidentId, *, for_update: bool = False) -> Incident:
        if for_update:  # a lock is a writer's: never in a read-only unit of work, passed on
            return self._inner.get(incident_id, for_update=True)
        found = self._got.get(incident_id)
        if found is None:
            found = self._got[incident_id] = self._inner.get(incident_id)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def shared_read(svc: S) -> Iterator[S]:
    """``svc`` with ``read`` lending one read-only unit of work, open for the block."""
    with svc.read() as uow:
        uow.incidents = cast(IncidentRepository, _OnceById(uow.incidents))
        lent = cast(UnitOfWork, _Lent(uow))
        yield cast(S, dataclasses.replace(cast(Any, svc), read=lambda: lent))
