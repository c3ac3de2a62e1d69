from datetime import timedelta

from tocsin.domain.events import JobKind, JobRequest


def request(key, clock, minutes=0, **payload):
    return JobRequest(JobKind.ACK_DEADLINE, clock.now() + timedelta(minutes=minutes), payload, key)


def enqueue(services, *requests):
    with services.uow() as uow:
        uow.jobs.enqueue(list(requests))
        uow.commit()


def test_enqueued_jobs_are_pending_with_the_deployment_default_attempts(services, container, clock):
    enqueue(services, request("a", clock, 5, incident_id=1, generation=0))
    [job] = container.jobs.list()
    assert (job.kind, job.status, job.attempts, job.key) == (JobKind.ACK_DEADLINE, "pending", 0, "a")
    assert job.max_attempts == container.settings.worker.max_attempts
    assert job.payload == {"incident_id": 1, "generation": 0}
    assert job.due_at == clock.now() + timedelta(minutes=5)
    assert job.created_at == clock.now()


def test_enqueue_is_idempotent_on_the_key(services, container, clock):
    enqueue(services, request("a", clock, 1, n=1), request("b", clock))
    enqueue(services, request("a", clock, 9, n=2), request("c", clock))
    jobs = {j.key: j for j in container.jobs.list()}
    assert sorted(jobs) == ["a", "b", "c"]
    assert jobs["a"].payload == {"n": 1}


def test_a_key_is_never_reused_even_after_the_job_finished(services, container, clock):
    enqueue(services, request("a", clock))
    with services.uow() as uow:
        uow.jobs.cancel(["a"])
        uow.commit()
    enqueue(services, request("a", clock))
    assert [j.status for j in container.jobs.list()] == ["cancelled"]


def test_cancel_touches_only_pending_jobs_with_those_keys(services, container, clock):
    enqueue(services, request("a", clock), request("b", clock), request("c", clock))
    [claimed] = container.jobs.claim(1, timedelta(minutes=1), "w", clock.now())
    with services.uow() as uow:
        uow.jobs.cancel([claimed.key, "b", "unknown"])
        uow.jobs.cancel([])
        uow.commit()
    status = {j.key: j.status for j in container.jobs.list()}
    assert status == {claimed.key: "running", "b": "cancelled", "c": "pending"}


def test_complete_is_fenced_by_the_claim_token(services, container, clock):
    enqueue(services, request("a", clock))
    [job] = container.jobs.claim(1, timedelta(minutes=1), "w", clock.now())
    with services.uow() as uow:
        assert uow.jobs.complete(job.id, "not-the-token") is False
        assert uow.jobs.complete(job.id, job.claim_token) is True
        uow.commit()
    done = container.jobs.get(job.id)
    assert (done.status, done.lease_expires_at) == ("done", None)
    with services.uow() as uow:
        assert uow.jobs.complete(job.id, job.claim_token) is False  # already done


def test_complete_after_losing_the_lease_returns_false(services, container, clock):
    enqueue(services, request("a", clock))
    [first] = container.jobs.claim(1, timedelta(seconds=30), "w1", clock.now())
    clock.advance(timedelta(minutes=1))
    [second] = container.jobs.claim(1, timedelta(seconds=30), "w2", clock.now())
    assert second.id == first.id
    assert second.claim_token != first.claim_token
    with services.uow() as uow:
        assert uow.jobs.complete(first.id, first.claim_token) is False
        uow.rollback()
    assert container.jobs.get(first.id).status == "running"
