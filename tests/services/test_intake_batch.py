"""Group commit: several notifications in one transaction, each atomic and isolated."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from tests.intake_fixtures import am
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.domain.grouping import Route
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.services.incidents import incidents
from tocsin.services.intake import batch as ingest_batch
from tocsin.services.intake import ingest
from tocsin.services.intake.alerts import alert_counts
from tocsin.services.intake.batch import Pending
from tocsin.services.intake.ingest import IngestResult

PROM = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)


class Boom(Exception):
    pass


class StoreDown(Exception):
    pass


def pending(group: str, fingerprint: str = "00000000000000aa") -> Pending:
    base = parse_alertmanager(am("firing_PostgreSQLDown"), source="prom")
    alert = replace(base.alerts[0], fingerprint=fingerprint)
    return Pending(PROM, replace(base, group_key=group, alerts=(alert,)))


def open_titles(services, admin) -> list[str]:
    page = incidents.list_incidents(services, incidents.IncidentFilter(), by=admin)
    return sorted(i.title for i in page.items)


def total(services, admin) -> int:
    return incidents.list_incidents(services, incidents.IncidentFilter(), by=admin).total


def fail_on(monkeypatch, group: str, error: Exception) -> None:
    """``ingest_in`` writes the notification's effects for ``group``, then raises ``error``:
    whatever it wrote must vanish with the rollback."""
    real = ingest.ingest_in

    def failing(svc, uow, policy, n):
        result = real(svc, uow, policy, n)
        if n.group_key == group:
            raise error
        return result

    monkeypatch.setattr(ingest, "ingest_in", failing)
    monkeypatch.setattr(ingest_batch, "ingest_in", failing)


def test_a_batch_commits_every_notification_once(services, admin):
    outcomes = ingest_batch.ingest_batch(services, [pending(f"g{i}") for i in range(5)])
    assert all(isinstance(o, IngestResult) and o.route is Route.OPEN for o in outcomes)
    assert len({o.incident_id for o in outcomes if isinstance(o, IngestResult)}) == 5
    assert total(services, admin) == 5


def test_notifications_of_one_group_in_one_batch_apply_in_order(services, admin):
    batch = [pending("same", "00000000000000a1"), pending("same", "00000000000000a2")]
    first, second = ingest_batch.ingest_batch(services, batch)
    assert isinstance(first, IngestResult)
    assert isinstance(second, IngestResult)
    assert (first.route, second.route) == (Route.OPEN, Route.ATTACH)
    assert first.incident_id == second.incident_id
    assert first.incident_id is not None
    assert alert_counts(services, [first.incident_id])[first.incident_id].firing == 2


def test_a_failing_notification_takes_nothing_else_down_and_leaves_nothing(services, admin, monkeypatch):
    fail_on(monkeypatch, "bad", Boom("no"))
    batch = [pending("g1"), pending("bad"), pending("g2"), pending("g3")]
    outcomes = ingest_batch.ingest_batch(services, batch)
    assert isinstance(outcomes[1], Boom)
    assert [isinstance(o, IngestResult) for o in outcomes] == [True, False, True, True]
    assert total(services, admin) == 3  # the failing one's incident was rolled back, alone too


def test_two_failing_notifications(services, admin, monkeypatch):
    fail_on(monkeypatch, "bad", Boom("no"))
    batch = [pending("bad", "00000000000000b1"), pending("g1"), pending("bad", "00000000000000b2")]
    outcomes = ingest_batch.ingest_batch(services, batch)
    assert [type(o) for o in outcomes] == [Boom, IngestResult, Boom]
    assert total(services, admin) == 1


def test_the_store_failing_fails_the_whole_batch_and_writes_nothing(services, admin, monkeypatch):
    fail_on(monkeypatch, "g2", StoreDown("locked"))
    batch = [pending("g1"), pending("g2"), pending("g3")]
    outcomes = ingest_batch.ingest_batch(services, batch, unavailable=(StoreDown,))
    assert all(isinstance(o, StoreDown) for o in outcomes)
    assert total(services, admin) == 0


def test_a_replayed_batch_is_idempotent(services, admin):
    batch = [pending(f"g{i}") for i in range(3)]
    ingest_batch.ingest_batch(services, batch)
    again = ingest_batch.ingest_batch(services, batch)
    assert all(isinstance(o, IngestResult) and o.accepted == 0 for o in again)
    assert total(services, admin) == 3


@pytest.mark.parametrize("size", [0, 1])
def test_tiny_batches(services, admin, size):
    outcomes = ingest_batch.ingest_batch(services, [pending("g")] * size)
    assert len(outcomes) == size
    assert total(services, admin) == size


@pytest.mark.postgres
def test_concurrent_batches_for_one_group_open_one_incident(services, db_url, admin):
    """Writers of several replicas, each with a batch for the same group: one incident."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the race needs concurrent writers: PostgreSQL")
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def writer(w: int) -> None:
        batch = [pending("same", f"{w:08x}{i:08x}") for i in range(4)] + [pending(f"own{w}")]
        barrier.wait()
        outcomes.extend(ingest_batch.ingest_batch(services, batch))

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = [o for o in outcomes if isinstance(o, IngestResult)]
    assert len(results) == 20
    assert total(services, admin) == 5  # "same" and one per writer
    assert len({r.incident_id for r in results}) == 5
    opened = [r for r in results if r.route is Route.OPEN]
    assert len(opened) == 5
    ids = [r.incident_id for r in results if r.incident_id is not None]
    firing = sorted(c.firing for c in alert_counts(services, ids).values())
    assert firing == [1, 1, 1, 1, 16]  # every alert of "same" attached to its one incident
    with services.read() as uow:
        _, group = uow.alerts.current(pending("same").notification.group_id)
    assert (group.tally.total, group.tally.firing) == (16, 16)  # no update lost to a race
