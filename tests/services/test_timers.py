from datetime import timedelta

from tocsin.domain.events import EventKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import timers


def fire(container, services, payload):
    with services.uow() as uow:
        fired = timers.fire_ack_deadline(services, uow, payload)
        uow.commit()
    return fired


def test_the_deadline_breaches_once_even_if_the_timer_runs_twice(services, container, responder, clock):
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    clock.advance(timedelta(hours=1))
    payload = {"incident_id": created.id, "generation": 0}
    assert fire(container, services, payload) is True
    assert fire(container, services, payload) is False
    events = incidents.get_timeline(services, created.id, by=responder)
    breaches = [e for e in events if e.kind is EventKind.SLA_BREACHED]
    assert len(breaches) == 1
    stored = incidents.get_incident(services, created.id, by=responder)
    assert stored.sla_breached_at == created.ack_due_at
    # one timer: no second job ("sla.breached") to escalate later
    assert [j for j in container.jobs.list(status=None, limit=20) if j.kind == "sla.breached"] == []


def test_an_acknowledged_incident_never_breaches(services, container, responder, clock):
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    incidents.acknowledge_incident(services, created.id, by=responder)
    clock.advance(timedelta(hours=2))
    assert fire(container, services, {"incident_id": created.id, "generation": 0}) is False
    kinds = [e.kind for e in incidents.get_timeline(services, created.id, by=responder)]
    assert EventKind.SLA_BREACHED not in kinds
