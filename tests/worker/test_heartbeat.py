import time
from datetime import timedelta

from structlog.testing import capture_logs

from tocsin.domain.events import JobKind, JobRequest
from tocsin.worker.heartbeat import Heartbeat

LEASE = timedelta(seconds=10)


def claim_two(container, clock):
    with container.services.uow() as uow:
        uow.jobs.enqueue([JobRequest(JobKind.SLA_BREACHED, clock.now(), {"n": n}, f"hb:{n}") for n in (1, 2)])
        uow.commit()
    return container.jobs.claim(2, LEASE, "w1", clock.now())


def test_a_beat_renews_the_jobs_still_held_and_not_those_released(container, clock):
    first, second = claim_two(container, clock)
    heartbeat = Heartbeat(container.jobs, clock, lease=LEASE, every=60, worker_id="w1").hold([first, second])
    heartbeat.release(first)
    clock.advance(timedelta(seconds=8))
    heartbeat.beat()
    assert container.jobs.get(second.id).lease_expires_at == clock.now() + LEASE
    assert container.jobs.get(first.id).lease_expires_at == first.lease_expires_at


def test_a_job_taken_over_is_not_renewed_and_is_reported(container, clock):
    first, second = claim_two(container, clock)
    heartbeat = Heartbeat(container.jobs, clock, lease=LEASE, every=60, worker_id="w1").hold([first, second])
    clock.advance(LEASE)  # the heartbeat was stuck (the database away): both leases ran out
    taken = container.jobs.claim(1, LEASE, "w2", clock.now())
    with capture_logs() as logs:
        heartbeat.beat()
    assert [e["job_ids"] for e in logs if e["event"] == "job.lease_not_renewed"] == [[taken[0].id]]
    other = second if taken[0].id == first.id else first
    assert container.jobs.get(other.id).lease_expires_at == clock.now() + LEASE


def test_the_thread_beats_until_the_batch_is_done(container, clock):
    [first, _] = claim_two(container, clock)
    clock.advance(timedelta(seconds=5))
    with Heartbeat(container.jobs, clock, lease=LEASE, every=0.01, worker_id="w1").hold([first]):
        for _ in range(500):
            if container.jobs.get(first.id).lease_expires_at == clock.now() + LEASE:
                break
            time.sleep(0.01)
    assert container.jobs.get(first.id).lease_expires_at == clock.now() + LEASE
