import threading
from datetime import timedelta

import pytest

from tocsin import bootstrap
from tocsin.adapters.db.jobs import JobStore
from tocsin.domain.delivery import RetryPolicy
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.events import JobKind, JobRequest

LEASE = timedelta(seconds=30)


def enqueue(container, *due_minutes, kind=JobKind.ACK_DEADLINE):
    now = container.clock.now()
    with container.services.uow() as uow:
        uow.jobs.enqueue(
            [
                JobRequest(kind, now + timedelta(minutes=m), {"n": i}, f"k{i}-{m}")
                for i, m in enumerate(due_minutes)
            ]
        )
        uow.commit()


@pytest.fixture
def store(container):
    return container.jobs


def test_claim_takes_due_pending_jobs_oldest_first(container, store, clock):
    enqueue(container, 0, -5, 10, -1)
    claimed = store.claim(10, LEASE, "w1", clock.now())
    assert [j.payload["n"] for j in claimed] == [1, 3, 0]
    tokens = {j.claim_token for j in claimed}
    assert len(tokens) == 1  # one fresh token per claim
    assert None not in tokens
    for job in claimed:
        assert (job.status, job.attempts, job.lease_expires_at) == ("running", 1, clock.now() + LEASE)
    assert store.claim(10, LEASE, "w2", clock.now()) == []


def test_a_job_whose_worker_vanishes_on_every_attempt_ends_dead(container, store, clock):
    enqueue(container, 0)
    [job] = store.claim(1, LEASE, "w1", clock.now())
    for _ in range(job.max_attempts - 1):
        clock.advance(LEASE)
        [job] = store.claim(1, LEASE, "w", clock.now())
    clock.advance(LEASE)
    assert store.claim(1, LEASE, "w", clock.now()) == []
    [dead] = store.list(status="dead")
    assert dead.id == job.id
    assert "lease expired" in (dead.last_error or "")


def test_claim_respects_the_limit(container, store, clock):
    enqueue(container, *[0] * 5)
    assert len(store.claim(3, LEASE, "w", clock.now())) == 3
    assert len(store.claim(3, LEASE, "w", clock.now())) == 2


def test_a_running_job_is_claimed_again_only_after_its_lease_expired(container, store, clock):
    enqueue(container, 0)
    [first] = store.claim(1, LEASE, "w1", clock.now())
    clock.advance(LEASE - timedelta(seconds=1))
    assert store.claim(1, LEASE, "w2", clock.now()) == []
    clock.advance(timedelta(seconds=1))
    [again] = store.claim(1, LEASE, "w2", clock.now())
    assert again.id == first.id
    assert again.attempts == 2
    assert again.claim_token != first.claim_token


def test_a_failure_goes_back_to_pending_with_exponential_backoff(container, clock):
    store = JobStore(container.engine, jitter=lambda: 0.5)
    policy = RetryPolicy(max_attempts=5, backoff_base=timedelta(seconds=10), backoff_max=timedelta(hours=1))
    enqueue(container, 0)
    delays = []
    for _ in range(3):
        [job] = store.claim(1, LEASE, "w", clock.now())
        assert store.fail(job, "boom", clock.now(), policy) == "pending"
        failed = store.get(job.id)
        delays.append(failed.due_at - clock.now())
        assert (failed.status, failed.last_error, failed.claim_token) == ("pending", "boom", None)
        clock.set(failed.due_at)
    assert delays == [timedelta(seconds=5), timedelta(seconds=10), timedelta(seconds=20)]


def test_the_backoff_is_capped_and_jittered():
    policy = RetryPolicy(backoff_base=timedelta(seconds=10), backoff_max=timedelta(minutes=1))
    assert policy.delay(1, 1.0) == timedelta(seconds=10)
    assert policy.delay(4, 1.0) == timedelta(seconds=60)
    assert policy.delay(30, 0.5) == timedelta(seconds=30)
    assert policy.delay(10_000, 1.0) == timedelta(minutes=1)


def test_the_last_allowed_attempt_makes_the_job_dead(container, store, clock):
    enqueue(container, 0)
    policy = RetryPolicy(max_attempts=2, backoff_base=timedelta(0))
    [job] = store.claim(1, LEASE, "w", clock.now())
    assert store.fail(job, "one", clock.now(), policy) == "pending"
    [job] = store.claim(1, LEASE, "w", clock.now())
    assert store.fail(job, "two", clock.now(), policy) == "dead"
    dead = store.get(job.id)
    assert (dead.status, dead.attempts, dead.max_attempts, dead.last_error) == ("dead", 2, 2, "two")
    assert store.claim(1, LEASE, "w", clock.now()) == []
    assert store.count_dead() == 1


def test_without_a_policy_limit_the_stored_limit_applies(container, store, clock):
    enqueue(container, 0)
    limit = container.settings.worker.max_attempts
    for _ in range(limit):
        [job] = store.claim(1, LEASE, "w", clock.now())
        status = store.fail(job, "x", clock.now(), RetryPolicy(backoff_base=timedelta(0)))
    assert (status, store.get(job.id).attempts) == ("dead", limit)


def test_a_worker_that_lost_its_claim_cannot_fail_the_job(container, store, clock):
    enqueue(container, 0)
    [stale] = store.claim(1, LEASE, "w1", clock.now())
    clock.advance(LEASE)
    [current] = store.claim(1, LEASE, "w2", clock.now())
    assert store.fail(stale, "late", clock.now(), RetryPolicy()) is None
    assert store.bury(stale, "late", clock.now()) is None
    job = store.get(current.id)
    assert (job.status, job.claim_token, job.last_error) == ("running", current.claim_token, None)


def test_errors_are_truncated(container, store, clock):
    enqueue(container, 0)
    [job] = store.claim(1, LEASE, "w", clock.now())
    store.bury(job, "x" * 10_000, clock.now())
    assert len(store.get(job.id).last_error) == 2000


def test_retry_revives_a_dead_job(container, store, clock):
    enqueue(container, 0)
    [job] = store.claim(1, LEASE, "w", clock.now())
    store.bury(job, "no handler", clock.now())
    clock.advance(timedelta(hours=1))
    revived = store.retry(job.id, clock.now())
    assert (revived.status, revived.attempts, revived.last_error, revived.due_at) == (
        "pending",
        0,
        None,
        clock.now(),
    )
    assert store.count_dead() == 0
    assert [j.id for j in store.claim(1, LEASE, "w", clock.now())] == [job.id]


def test_retry_revives_a_cancelled_job(container, store, clock):
    enqueue(container, 0)
    with container.services.uow() as uow:
        uow.jobs.cancel(["k0-0"])
        uow.commit()
    [job] = store.list(status="cancelled")
    assert store.retry(job.id, clock.now()).status == "pending"


def test_retry_refuses_live_jobs_and_unknown_ids(container, store, clock):
    enqueue(container, 0)
    [job] = store.list()
    with pytest.raises(Conflict, match=f"job {job.id} is pending"):
        store.retry(job.id, clock.now())
    with pytest.raises(NotFound, match="job 999 does not exist"):
        store.retry(999, clock.now())
    with pytest.raises(NotFound, match="job 999 does not exist"):
        store.get(999)


def test_list_filters_by_status_newest_first(container, store, clock):
    enqueue(container, 0, 0, 0)
    [job] = store.claim(1, LEASE, "w", clock.now())
    store.bury(job, "x", clock.now())
    assert [j.id for j in store.list(status="dead")] == [job.id]
    ids = [j.id for j in store.list()]
    assert ids == sorted(ids, reverse=True)
    assert len(store.list(limit=2)) == 2


def test_stats_reports_depth_and_the_age_of_the_oldest_due_job(container, store, clock):
    assert store.stats(clock.now()) == (0, 0.0)
    enqueue(container, -3, -1, 5)
    assert store.stats(clock.now()) == (3, 180.0)
    store.claim(1, LEASE, "w", clock.now())  # takes the oldest: still counted in the depth
    assert store.stats(clock.now()) == (3, 60.0)


def test_two_workers_claim_disjoint_jobs(settings, clock):
    """Each worker has its own engine; 200 due jobs are shared without overlap."""
    containers = [bootstrap.build(settings, clock=clock) for _ in range(2)]
    try:
        enqueue(containers[0], *[0] * 200)
        start = threading.Barrier(2)
        claimed: list[list[int]] = [[], []]

        def claim(i):
            start.wait()
            while batch := containers[i].jobs.claim(7, LEASE, f"w{i}", clock.now()):
                claimed[i].extend(j.id for j in batch)

        threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(claimed[0]) + len(claimed[1]) == 200
        assert len(set(claimed[0]) | set(claimed[1])) == 200
    finally:
        for c in containers:
            c.close()


def test_an_outbound_delivery_is_retried_past_its_limit_until_its_window_closes(container, store, clock):
    enqueue(container, 0)
    policy = RetryPolicy(max_attempts=2, backoff_base=timedelta(0), retry_for=timedelta(minutes=30))
    for _ in range(3):  # past max_attempts, inside the window
        [job] = store.claim(1, LEASE, "w", clock.now())
        assert store.fail(job, "refused", clock.now(), policy) == "pending"
        clock.advance(timedelta(minutes=5))
    assert store.get(job.id).max_attempts == 5  # two ahead of the attempts: a dead worker does not bury it
    [job] = store.claim(1, LEASE, "w", clock.now())
    clock.advance(LEASE)  # that worker dies: the job comes back, it is not buried
    [job] = store.claim(1, LEASE, "w", clock.now())
    clock.advance(timedelta(minutes=15))  # 30 min after the job was created
    assert store.fail(job, "still refused", clock.now(), policy) == "dead"


def test_renew_extends_only_the_leases_still_held(container, store, clock):
    enqueue(container, 0, 0)
    first, second = store.claim(2, LEASE, "w1", clock.now())
    clock.advance(LEASE)
    [taken] = [j for j in store.claim(2, LEASE, "w2", clock.now()) if j.id == second.id]
    assert taken.id == second.id
    clock.advance(timedelta(seconds=1))
    assert store.renew([first, second], LEASE, clock.now()) == set()  # both expired: w2 took them
    [again] = store.claim(1, timedelta(seconds=5), "w3", clock.now() + LEASE)
    assert store.renew([again], LEASE, clock.now()) == {again.id}
    assert store.get(again.id).lease_expires_at == clock.now() + LEASE
