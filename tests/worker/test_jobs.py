from datetime import timedelta

import sqlalchemy as sa
from structlog.testing import capture_logs

from tocsin.adapters.db import schema
from tocsin.domain.events import EventKind, JobKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.worker.jobs import JOBS, JobSpec


def test_every_job_kind_has_a_handler():
    assert set(JOBS) == set(JobKind)
    assert all(isinstance(spec, JobSpec) and callable(spec.handler) for spec in JOBS.values())


def test_the_inventory_cannot_be_changed_at_runtime():
    assert not hasattr(JOBS, "__setitem__")


def run(services, kind, payload):
    with services.uow() as uow:
        result = JOBS[kind].handler(services, uow, payload)
        uow.commit()
    return result


def rows(container, table):
    with container.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_ack_deadline_runs_twice_effect_once(services, container, responder, clock):
    created = incidents.declare_incident(services, title="Checkout down", severity=Severity.P0, by=responder)
    clock.advance(timedelta(minutes=16))
    payload = {"incident_id": created.id, "generation": 0}
    assert run(services, JobKind.ACK_DEADLINE, payload) is True
    assert run(services, JobKind.ACK_DEADLINE, payload) is False
    kinds = [e.kind for e in incidents.get_timeline(services, created.id, by=responder)]
    assert kinds.count(EventKind.SLA_BREACHED) == 1
    # the timer escalates itself, right after the breach line: no second job, no second hop
    assert kinds.count(EventKind.ESCALATED) == 2  # step 1 at open, then again on the breach
    assert kinds[kinds.index(EventKind.SLA_BREACHED) + 1] is EventKind.ESCALATED
    assert [j for j in container.jobs.list(limit=500) if j.kind is JobKind.SLA_BREACHED] == []


def test_a_legacy_sla_breached_job_still_escalates_once_and_twice_is_harmless(
    services, container, responder, clock
):
    """Queued before the upgrade (the ack-deadline timer now escalates itself): still run."""
    created = incidents.declare_incident(services, title="API down", severity=Severity.P0, by=responder)
    clock.advance(timedelta(minutes=15))
    payload = {"incident_id": created.id, "generation": 0, "severity": "P0"}
    with capture_logs() as logs:
        assert run(services, JobKind.SLA_BREACHED, payload) is True
        assert run(services, JobKind.SLA_BREACHED, payload) is False
    assert [entry["event"] for entry in logs] == ["incident.sla_breached"] * 2
    assert logs[0]["incident_id"] == created.id
    kinds = [e.kind for e in incidents.get_timeline(services, created.id, by=responder)]
    assert kinds.count(EventKind.ESCALATED) == 2  # step 1 at open, then again on the breach


def test_sla_breached_without_a_generation_changes_nothing(services, container):
    before = (rows(container, schema.timeline_events), rows(container, schema.jobs))
    assert run(services, JobKind.SLA_BREACHED, {"incident_id": 7, "severity": "P1"}) is False
    assert (rows(container, schema.timeline_events), rows(container, schema.jobs)) == before


def test_a_legacy_sla_breached_job_after_the_timer_escalated_is_a_no_op(
    services, container, responder, clock
):
    created = incidents.declare_incident(services, title="API down", severity=Severity.P0, by=responder)
    clock.advance(timedelta(minutes=15))
    payload = {"incident_id": created.id, "generation": 0}
    assert run(services, JobKind.ACK_DEADLINE, payload) is True
    assert run(services, JobKind.SLA_BREACHED, {**payload, "severity": "P0"}) is False
    kinds = [e.kind for e in incidents.get_timeline(services, created.id, by=responder)]
    assert kinds.count(EventKind.ESCALATED) == 2  # step 1 at open, then once on the breach
