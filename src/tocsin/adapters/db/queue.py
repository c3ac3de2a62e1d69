"""The outbox side of the job table, used inside a business unit of work: jobs are enqueued,
cancelled and completed in the same transaction as the state change that implies them."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from tocsin.adapters.db.fast import Fast, in_list
from tocsin.adapters.db.schema import jobs
from tocsin.adapters.db.types import UTCDateTime
from tocsin.domain.events import JobRequest
from tocsin.services.ports import Clock, JobStatus

WAKE_HORIZON = timedelta(minutes=1)
"""A commit that enqueued a job due within this wakes the workers (which then sleep until it is
due, or claim it now); timers further out are left to the poll."""

# Statements are built once: constructing them per call cost more than executing them.
_INSERT_IGNORING_DUPLICATES = {
    "postgresql": postgresql.insert(jobs).on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key]),
    "sqlite": sqlite.insert(jobs).on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key]),
}

_COMPLETE = (
    jobs.update()
    .where(
        jobs.c.id == sa.bindparam("job_id"),
        jobs.c.claim_token == sa.bindparam("token"),
        jobs.c.status == JobStatus.RUNNING,
    )
    .values(
        status=JobStatus.DONE,
        lease_expires_at=None,
        updated_at=sa.bindparam("now", type_=UTCDateTime),
        finished_at=sa.bindparam("now", type_=UTCDateTime),
    )
)


@functools.cache
def _insert_one(dialect: str, columns: tuple[str, ...]) -> Fast:
    """The one-job form (a declaration's response timer, an acknowledgement's follow-up), built
    once per dialect and column set, on the driver's cursor (see ``fast``)."""
    binds = {name: sa.bindparam(name, type_=jobs.c[name].type) for name in columns}
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return Fast(insert(jobs).values(binds).on_conflict_do_nothing(index_elements=[jobs.c.idempotency_key]))


@functools.cache
def _cancel(count: int) -> Fast:
    """Cancel the pending jobs of ``count`` keys (``key0``…), built once per count."""
    update = (
        jobs.update()
        .where(jobs.c.idempotency_key.in_(in_list("key", count)), jobs.c.status == JobStatus.PENDING)
        .values(
            status=JobStatus.CANCELLED,
            updated_at=sa.bindparam("now", type_=UTCDateTime),
            finished_at=sa.bindparam("now", type_=UTCDateTime),
        )
    )
    return Fast(update)


def insert_ignoring_duplicates(connection: Connection, values: Sequence[dict[str, Any]]) -> None:
    """``INSERT … ON CONFLICT (idempotency_key) DO NOTHING`` in the connection's dialect."""
    if len(values) == 1:
        _insert_one(connection.dialect.name, tuple(values[0])).run(connection, values[0])
    elif values:
        connection.execute(_INSERT_IGNORING_DUPLICATES[connection.dialect.name], list(values))


class SqlJobQueue:
    def __init__(self, connection: Connection, clock: Clock, max_attempts: int) -> None:
        self._conn = connection
        self._clock = clock
        self._max_attempts = max_attempts
        self.due_soon = False  # a job due within WAKE_HORIZON was enqueued: the commit wakes workers

    def enqueue(self, requests: Sequence[JobRequest]) -> None:
        """Insert pending jobs; a request whose key exists already (in any status) is skipped."""
        now = self._clock.now()
        values = [
            {
                "kind": r.kind.value,
                "payload": dict(r.payload),
                "due_at": r.due_at,
                "status": JobStatus.PENDING,
                "attempts": 0,
                "max_attempts": self._max_attempts,
                "idempotency_key": r.key,
                "created_at": now,
                "updated_at": now,
            }
            for r in requests
        ]
        insert_ignoring_duplicates(self._conn, values)
        if any(r.due_at <= now + WAKE_HORIZON for r in requests):
            self.due_soon = True

    def cancel(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        values: dict[str, Any] = {f"key{i}": key for i, key in enumerate(keys)}
        _cancel(len(keys)).run(self._conn, {**values, "now": self._clock.now()})

    def expedite(self, keys: Sequence[str], at: datetime) -> None:
        """Pending jobs with these keys due later than ``at`` become due at ``at``."""
        if not keys:
            return
        self._conn.execute(
            jobs.update()
            .where(
                jobs.c.idempotency_key.in_(list(keys)),
                jobs.c.status == JobStatus.PENDING,
                jobs.c.due_at > at,
            )
            .values(due_at=at, updated_at=self._clock.now())
        )

    def complete(self, job_id: int, claim_token: str) -> bool:
        """Fenced by the claim token: False if another worker has claimed the job since."""
        params = {"job_id": job_id, "token": claim_token, "now": self._clock.now()}
        return self._conn.execute(_COMPLETE, params).rowcount == 1

    def reschedule(
        self, job_id: int, claim_token: str, due_at: datetime, payload: Mapping[str, Any], reason: str
    ) -> bool:
        """Fenced like ``complete``: the claimed job pending again at ``due_at``, the attempt
        given back (a wait the provider asked for is not a failure)."""
        update = (
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.claim_token == claim_token, jobs.c.status == JobStatus.RUNNING)
            .values(
                status=JobStatus.PENDING,
                due_at=due_at,
                payload=dict(payload),
                attempts=sa.func.max(jobs.c.attempts - 1, 0)
                if self._conn.dialect.name == "sqlite"
                else sa.func.greatest(jobs.c.attempts - 1, 0),
                last_error=reason[:2000],
                claim_token=None,
                locked_by=None,
                lease_expires_at=None,
                updated_at=self._clock.now(),
            )
        )
        return self._conn.execute(update).rowcount == 1
