"""Group commit for alert intake: several notifications in ONE unit of work, each still atomic.

``ingest_batch`` applies the notifications one after the other (so each sees the effects of
those before it, exactly as if they had committed in that order) and commits once. When one of
them fails, the whole transaction is rolled back — nothing of the batch is written — and the
batch runs again without it; the failing one then runs alone (``ingest_alerts``, with its own
retry when a concurrent opening wins its group) so that it gets its own answer. A failure of
the store itself (``unavailable``: the database down or locked) is the same for every
notification of the batch: all of them get it, none is retried here (the sender retries).

The caller answers each notification only after this returns, i.e. after its commit.
Within a batch, notifications run in the order of their groups (see ``ingest_batch``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tocsin.domain.alert import Notification
from tocsin.domain.source import SourcePolicy
from tocsin.services.context import Services
from tocsin.services.intake.ingest import IngestResult, ingest_alerts, ingest_in

Outcome = IngestResult | Exception


@dataclass(frozen=True, slots=True)
class Pending:
    """One received notification and the policy of its source."""

    policy: SourcePolicy
    notification: Notification


class _Failed(Exception):
    def __init__(self, index: int, error: Exception) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


def _alone(svc: Services, item: Pending) -> Outcome:
    try:
        return ingest_alerts(svc, item.policy, item.notification)
    except Exception as exc:
        return exc


def _together(svc: Services, items: Sequence[tuple[int, Pending]]) -> list[IngestResult]:
    """All of ``items`` in one unit of work, committed; ``_Failed`` names the one that failed."""
    results: list[IngestResult] = []
    with svc.uow() as uow:
        for index, item in items:
            try:
                classified = item.policy.classify(item.notification)
                results.append(ingest_in(svc, uow, item.policy, classified))
            except Exception as exc:
                raise _Failed(index, exc) from exc
        uow.commit()
    return results


def ingest_batch(
    svc: Services, items: Sequence[Pending], *, unavailable: tuple[type[Exception], ...] = ()
) -> list[Outcome]:
    """One outcome per item, in order: its ``IngestResult`` (committed) or the exception that
    refused it (nothing of it was written)."""
    outcomes: dict[int, Outcome] = {}
    # Groups in one order (stable: a group's notifications keep theirs), so that two writers
    # (replicas on PostgreSQL) lock the same incidents in the same order and never deadlock.
    pending = sorted(enumerate(items), key=lambda pair: pair[1].notification.group_id)
    isolated: list[int] = []
    while len(pending) > 1:
        try:
            results = _together(svc, pending)
        except _Failed as failed:
            if isinstance(failed.error, unavailable):
                return [failed.error] * len(items)
            isolated.append(failed.index)
            pending = [(i, item) for i, item in pending if i != failed.index]
            continue
        except unavailable as exc:  # connecting or committing: the store, not one notification
            return [exc] * len(items)
        outcomes.update((index, result) for (index, _), result in zip(pending, results, strict=True))
        pending = []
    for index in [i for i, _ in pending] + isolated:
        outcomes[index] = _alone(svc, items[index])
    return [outcomes[i] for i in range(len(items))]
