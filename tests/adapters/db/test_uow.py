import threading

import pytest
import sqlalchemy as sa

from tocsin import bootstrap
from tocsin.adapters.db import schema
from tocsin.adapters.db.uow import SqlUnitOfWork
from tocsin.bootstrap.services import AppServices
from tocsin.domain.events import JobKind, JobRequest
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents


def count(container, table):
    with container.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def counts(container):
    return {t: count(container, getattr(schema, t)) for t in ("incidents", "timeline_events", "jobs")}


EMPTY = {"incidents": 0, "timeline_events": 0, "jobs": 0}


def test_nothing_is_written_without_commit(services, container, responder):
    with services.uow() as uow:
        uow.incidents.next_id()
        uow.jobs.enqueue([JobRequest(JobKind.ACK_DEADLINE, container.clock.now(), {}, "k")])
    assert counts(container) == EMPTY


def test_rollback_discards_the_writes_since_the_last_commit(services, container):
    now = container.clock.now()
    with services.uow() as uow:
        uow.jobs.enqueue([JobRequest(JobKind.ACK_DEADLINE, now, {}, "kept")])
        uow.commit()
        uow.jobs.enqueue([JobRequest(JobKind.ACK_DEADLINE, now, {}, "dropped")])
        uow.rollback()
        uow.jobs.enqueue([JobRequest(JobKind.ACK_DEADLINE, now, {}, "kept too")])
        uow.commit()
    assert sorted(j.key for j in container.jobs.list()) == ["kept", "kept too"]


class FailingQueue:
    def __init__(self, inner):
        self.inner = inner

    def enqueue(self, jobs):
        raise RuntimeError("disk on fire")

    def cancel(self, keys):
        self.inner.cancel(keys)

    def complete(self, job_id, claim_token):
        return self.inner.complete(job_id, claim_token)


class FailingUnitOfWork(SqlUnitOfWork):
    def __enter__(self):
        super().__enter__()
        self.jobs = FailingQueue(self.jobs)
        return self


def test_an_exception_mid_use_case_leaves_nothing_half_written(container, responder):
    """declare_incident writes the incident and its timeline, then fails enqueueing the timer."""
    settings = container.settings

    def failing():
        return FailingUnitOfWork(container.engine, container.clock, max_attempts=settings.worker.max_attempts)

    broken = AppServices(
        uow=failing, read=container.services.read, clock=container.clock, plan=container.services.plan
    )
    with pytest.raises(RuntimeError, match="disk on fire"):
        incidents.declare_incident(broken, title="Checkout down", severity=Severity.P1, by=responder)
    assert counts(container) == EMPTY
    # and the next declaration gets a clean start
    incidents.declare_incident(container.services, title="Checkout down", severity=Severity.P1, by=responder)
    # declared + escalation step 1 on the timeline; the ack deadline and the step-2 timer
    assert counts(container) == {"incidents": 1, "timeline_events": 2, "jobs": 2}


def test_the_repositories_exist_only_inside_the_block(container):
    uow = container.services.uow()
    with pytest.raises(RuntimeError, match="not open"):
        uow.commit()
    with uow, pytest.raises(RuntimeError, match="already open"), uow:
        pass
    with pytest.raises(RuntimeError, match="not open"):
        uow.rollback()


def test_leaving_the_block_returns_the_connection(container):
    for _ in range(container.engine.pool.size() + 5):
        with container.services.uow() as uow:
            uow.incidents.next_id()
    assert container.engine.pool.checkedout() == 0


def test_concurrent_declarations_never_share_an_id(settings, clock, responder):
    """Eight threads, each with its own engine (like separate processes), declare at once."""
    containers = [bootstrap.build(settings, clock=clock) for _ in range(8)]
    start = threading.Barrier(len(containers))
    made: list[int] = []
    errors: list[BaseException] = []

    def declare(c):
        try:
            start.wait()
            for n in range(5):
                made.append(
                    incidents.declare_incident(
                        c.services, title=f"t{n}", severity=Severity.P2, by=responder
                    ).id
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=declare, args=(c,)) for c in containers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in containers:
        c.close()
    assert errors == []
    assert len(made) == 40
    assert len(set(made)) == 40


def test_a_read_leaves_no_transaction_open_on_postgresql(container, db_url):
    """Reads run statement by statement on PostgreSQL: a reader never sits "idle in transaction"
    (holding back vacuum) between its queries, and locks are for writers."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite reads begin a deferred transaction")
    with container.services.read() as uow:
        conn = uow.connection
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with container.engine.connect() as other:
            activity = f"SELECT state FROM pg_stat_activity WHERE pid = {pid}"
            state = other.exec_driver_sql(activity).scalar_one()
        assert state == "idle"
        with pytest.raises(RuntimeError, match="read-only"):
            uow.hold("topic", 1)
