"""The worker's side of the job table: claim due jobs, record failures, and the dead-letter
operations (list, retry) behind ``tocsin jobs`` and /metrics.

Each method runs in its own short transaction, outside any business unit of work. Completion
is not here: it commits with the handler's effects (``SqlJobQueue.complete``).

Claims are leases: a claimed job is ``running`` until ``lease_expires_at``; after that any
worker may claim it again (its worker died). Leases are short and renewed (``renew``) by the
worker's heartbeat while it holds the job, so a live worker keeps a long job and a dead
one's jobs come back within one lease. Every claim writes a fresh random
``claim_token``; completion and failure are fenced by it, so a worker that lost its lease can
neither complete nor fail the job it no longer owns.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tocsin.adapters.db import rows
from tocsin.adapters.db.engine import read_connection
from tocsin.adapters.db.schema import jobs
from tocsin.domain.delivery import RetryPolicy
from tocsin.domain.errors import Conflict, NotFound
from tocsin.services.ports import Job, JobStatus

MAX_ERROR_CHARS = 2000
RETRYABLE = (JobStatus.DEAD, JobStatus.CANCELLED)


def _default_jitter() -> float:
    return random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not cryptography


class JobStore:
    def __init__(self, engine: Engine, *, jitter: Callable[[], float] = _default_jitter) -> None:
        self._engine = engine
        self._jitter = jitter

    def claim(self, limit: int, lease: timedelta, worker_id: str, now: datetime) -> list[Job]:
        """Claim up to ``limit`` due jobs (pending and due, or running with an expired lease).

        PostgreSQL: ``FOR UPDATE SKIP LOCKED`` lets concurrent workers claim disjoint rows
        without waiting. SQLite: ``BEGIN IMMEDIATE`` makes the claim the only writer.
        """
        due = sa.or_(
            sa.and_(jobs.c.status == JobStatus.PENDING, jobs.c.due_at <= now),
            sa.and_(jobs.c.status == JobStatus.RUNNING, jobs.c.lease_expires_at <= now),
        )
        candidates = (
            sa.select(jobs.c.id)
            .where(due)
            .order_by(jobs.c.due_at, jobs.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("candidates")
        )
        update = (
            jobs.update()
            .where(jobs.c.id.in_(sa.select(candidates.c.id)))
            .values(
                status=JobStatus.RUNNING,
                attempts=jobs.c.attempts + 1,
                claim_token=secrets.token_hex(16),
                locked_by=worker_id,
                lease_expires_at=now + lease,
                updated_at=now,
            )
            .returning(*jobs.c)
        )
        with self._engine.begin() as conn:
            conn.execute(self._bury_lost(now))
            claimed = [rows.to_job(r) for r in conn.execute(update).mappings()]
        return sorted(claimed, key=lambda j: (j.due_at, j.id))

    def next_due(self) -> datetime | None:
        """When the earliest pending job is due (None when none is pending): an idle worker
        sleeps until then rather than a whole poll interval."""
        query = sa.select(sa.func.min(jobs.c.due_at)).where(jobs.c.status == JobStatus.PENDING)
        with self._engine.connect() as conn:
            due: datetime | None = conn.execute(query).scalar_one()
        return due

    def renew(self, claims: Sequence[Job], lease: timedelta, now: datetime) -> set[int]:
        """Extend the leases of jobs this worker still holds (fenced by their claim tokens);
        returns the ids still held. A job taken over by another worker is not touched."""
        held: set[int] = set()
        if not claims:
            return held
        with self._engine.begin() as conn:
            for job in claims:
                update = (
                    jobs.update()
                    .where(
                        jobs.c.id == job.id,
                        jobs.c.claim_token == job.claim_token,
                        jobs.c.status == JobStatus.RUNNING,
                    )
                    .values(lease_expires_at=now + lease)
                )
                if conn.execute(update).rowcount == 1:
                    held.add(job.id)
        return held

    @staticmethod
    def _bury_lost(now: datetime) -> sa.Update:
        """A job whose worker vanished (lease expired) on its last allowed attempt is dead, not
        claimed again: a job that kills its worker every time must not loop forever."""
        return (
            jobs.update()
            .where(
                jobs.c.status == JobStatus.RUNNING,
                jobs.c.lease_expires_at <= now,
                jobs.c.attempts >= jobs.c.max_attempts,
            )
            .values(
                status=JobStatus.DEAD,
                last_error="its worker stopped (lease expired) during the last allowed attempt",
                claim_token=None,
                locked_by=None,
                lease_expires_at=None,
                finished_at=now,
                updated_at=now,
            )
        )

    def fail(self, job: Job, error: str, now: datetime, policy: RetryPolicy) -> str | None:
        """Record a failed attempt: back to pending after a backoff, or dead once the attempts
        reach the limit. Returns the new status, or None if the claim was lost meanwhile."""
        limit = policy.max_attempts if policy.max_attempts is not None else job.max_attempts
        riding_out = policy.retry_for is not None and now < job.created_at + policy.retry_for
        if job.attempts >= limit and not riding_out:
            values = {"status": JobStatus.DEAD, "finished_at": now, "max_attempts": limit}
        else:
            retry_at = now + policy.delay(job.attempts, self._jitter())
            # riding out an outage past the limit: the stored limit stays two attempts ahead, so
            # a worker dying on the next attempt does not bury the job (``_bury_lost``)
            stored = max(limit, job.attempts + 2) if riding_out and job.attempts + 1 >= limit else limit
            values = {"status": JobStatus.PENDING, "due_at": retry_at, "max_attempts": stored}
        return self._release(job, error, now, values)

    def bury(self, job: Job, error: str, now: datetime) -> str | None:
        """Dead at once, without retries: for a job no retry can fix (e.g. an unknown kind)."""
        return self._release(job, error, now, {"status": JobStatus.DEAD, "finished_at": now})

    def _release(self, job: Job, error: str, now: datetime, values: dict[str, object]) -> str | None:
        update = (
            jobs.update()
            .where(jobs.c.id == job.id, jobs.c.claim_token == job.claim_token)
            .values(
                last_error=error[:MAX_ERROR_CHARS],
                claim_token=None,
                locked_by=None,
                lease_expires_at=None,
                updated_at=now,
                **values,
            )
        )
        with self._engine.begin() as conn:
            if conn.execute(update).rowcount != 1:
                return None
        return str(values["status"])

    def list(self, status: str | None = None, limit: int = 100) -> Sequence[Job]:
        """Newest first."""
        query = sa.select(jobs).order_by(jobs.c.id.desc()).limit(limit)
        if status is not None:
            query = query.where(jobs.c.status == status)
        with self._engine.connect() as conn:
            return [rows.to_job(r) for r in conn.execute(query).mappings()]

    def get(self, job_id: int) -> Job:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).mappings().one_or_none()
        if row is None:
            raise NotFound(f"job {job_id} does not exist")
        return rows.to_job(row)

    def retry(self, job_id: int, now: datetime) -> Job:
        """Put a dead or cancelled job back in the queue, due now, with its attempts reset."""
        update = (
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.status.in_(RETRYABLE))
            .values(
                status=JobStatus.PENDING,
                attempts=0,
                due_at=now,
                last_error=None,
                claim_token=None,
                locked_by=None,
                lease_expires_at=None,
                finished_at=None,
                updated_at=now,
            )
            .returning(*jobs.c)
        )
        with self._engine.begin() as conn:
            row = conn.execute(update).mappings().one_or_none()
            if row is None:
                status = conn.execute(sa.select(jobs.c.status).where(jobs.c.id == job_id)).scalar()
                if status is None:
                    raise NotFound(f"job {job_id} does not exist")
                raise Conflict(f"job {job_id} is {status}: only dead or cancelled jobs can be retried")
        return rows.to_job(row)

    def stats(self, now: datetime) -> tuple[int, float]:
        """``(depth, oldest_due_age_seconds)``: depth counts pending and running jobs; the age is
        how long the oldest due pending job has waited (0 when none is due)."""
        depth_query = sa.select(sa.func.count()).where(
            jobs.c.status.in_((JobStatus.PENDING, JobStatus.RUNNING))
        )
        oldest_query = sa.select(sa.func.min(jobs.c.due_at)).where(
            jobs.c.status == JobStatus.PENDING, jobs.c.due_at <= now
        )
        with read_connection(self._engine) as conn:
            depth = conn.execute(depth_query).scalar_one()
            oldest = conn.execute(oldest_query).scalar_one()
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        return int(depth), max(age, 0.0)

    def count_dead(self) -> int:
        query = sa.select(sa.func.count()).where(jobs.c.status == JobStatus.DEAD)
        with read_connection(self._engine) as conn:
            return int(conn.execute(query).scalar_one())
