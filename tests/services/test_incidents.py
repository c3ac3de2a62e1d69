from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tocsin.adapters.db import schema
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from tocsin.domain.events import EventKind
from tocsin.domain.incident import Impact, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents, postmortem
from tocsin.services.ports import IncidentFilter

# Escalation (issue 4) writes its own steps on the timeline; these tests are about the incident.
ESCALATION = {EventKind.ESCALATED, EventKind.ESCALATION_STOPPED, EventKind.NOTIFIED}


def incident_events(services, incident_id, by):
    return [e for e in incidents.get_timeline(services, incident_id, by=by) if e.kind not in ESCALATION]


def count(container, table):
    with container.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_declare_writes_the_incident_its_timeline_and_its_timer_together(
    services, container, responder, clock
):
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    assert created.ack_due_at == clock.now() + timedelta(hours=1)
    [event] = incident_events(services, created.id, responder)
    assert event.kind is EventKind.DECLARED
    assert event.actor == responder.name
    pending = [
        j
        for j in container.jobs.list(status=None, limit=10)
        if j.payload.get("incident_id") == created.id and j.kind != "escalation.step"
    ]
    assert [(j.kind, j.due_at) for j in pending] == [("sla.ack_deadline", created.ack_due_at)]


def test_incident_ids_follow_each_other(services, responder):
    first = incidents.declare_incident(services, title="one", severity=Severity.P3, by=responder)
    second = incidents.declare_incident(services, title="two", severity=Severity.P3, by=responder)
    assert second.id == first.id + 1


def test_acknowledge_cancels_the_pending_timer(services, container, responder, clock):
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    clock.advance(timedelta(minutes=3))
    acked = incidents.acknowledge_incident(services, created.id, by=responder)
    assert acked.acknowledged_at == clock.now()
    assert acked.phase is Phase.TRIAGE
    kinds = [e.kind for e in incident_events(services, created.id, responder)]
    assert kinds == [EventKind.DECLARED, EventKind.ACKNOWLEDGED]
    pending = container.jobs.list(status=None, limit=10)
    assert all(j.status != "pending" or j.kind != "sla.ack_deadline" for j in pending)


def test_a_viewer_cannot_act_and_nothing_is_written(services, container, responder):
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=responder)
    before = count(container, schema.timeline_events)
    viewer = Actor("token:ro", Role.VIEWER)
    with pytest.raises(PermissionDenied):
        incidents.acknowledge_incident(services, created.id, by=viewer)
    with pytest.raises(PermissionDenied):
        incidents.declare_incident(services, title="x", severity=Severity.P1, by=viewer)
    assert count(container, schema.timeline_events) == before
    assert incidents.get_incident(services, created.id, by=viewer).acknowledged_at is None


def test_an_illegal_transition_writes_nothing(services, container, responder):
    created = incidents.declare_incident(services, title="Slow login", severity=Severity.P2, by=responder)
    incidents.resolve_incident(services, created.id, by=responder)
    incidents.close_incident(services, created.id, by=responder)
    before = (count(container, schema.timeline_events), count(container, schema.jobs))
    with pytest.raises(InvalidTransition, match="phase 'closed'"):
        incidents.acknowledge_incident(services, created.id, by=responder)
    assert (count(container, schema.timeline_events), count(container, schema.jobs)) == before


def test_update_changes_title_and_severity_in_one_go(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    updated = incidents.update_incident(
        services, created.id, severity=Severity.P0, title="API down", reason="all users", by=responder
    )
    assert (updated.title, updated.severity) == ("API down", Severity.P0)
    assert updated.ack_due_at == created.detected_at + timedelta(minutes=15)
    kinds = [e.kind for e in incident_events(services, created.id, responder)]
    assert kinds == [EventKind.DECLARED, EventKind.RENAMED, EventKind.SEVERITY_CHANGED]


def test_an_update_that_fails_halfway_writes_nothing(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    with pytest.raises(InvalidInput, match="title"):
        incidents.update_incident(services, created.id, title=" ", severity=Severity.P0, by=responder)
    current = incidents.get_incident(services, created.id, by=responder)
    assert (current.title, current.severity) == ("slow", Severity.P2)
    assert len(incident_events(services, created.id, responder)) == 1


def test_patching_the_current_severity_only_renames(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    updated = incidents.update_incident(
        services, created.id, title="renamed", severity=Severity.P2, by=responder
    )
    assert (updated.title, updated.severity, updated.generation) == (
        "renamed",
        Severity.P2,
        created.generation,
    )


def test_update_with_nothing_to_change_is_refused(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    with pytest.raises(InvalidInput, match="nothing to change"):
        incidents.update_incident(services, created.id, by=responder)


def test_full_lifecycle(services, responder, clock):
    created = incidents.declare_incident(
        services, title="DB pool exhausted", severity=Severity.P1, by=responder
    )
    incidents.acknowledge_incident(services, created.id, by=responder)
    triaged = incidents.assess_impact(
        services, created.id, Impact(users_affected=300, features_down=("login",)), by=responder
    )
    assert triaged.phase is Phase.RESOLUTION
    incidents.add_note(services, created.id, "restarted api", by=responder)
    clock.advance(timedelta(minutes=15))
    resolved = incidents.resolve_incident(services, created.id, summary="pool 10 → 20", by=responder)
    assert resolved.postmortem_due_at == clock.now() + timedelta(hours=48)
    reopened = incidents.reopen_incident(services, created.id, reason="again", by=responder)
    assert reopened.phase is Phase.RESOLUTION
    incidents.resolve_incident(services, created.id, by=responder)
    with pytest.raises(Conflict, match="post-mortem"):
        incidents.close_incident(services, created.id, by=responder)
    postmortem.waive(services, created.id, reason="a drill", by=Actor("root", Role.ADMIN))
    closed = incidents.close_incident(services, created.id, by=responder)
    assert closed.phase is Phase.CLOSED
    stored = incidents.get_incident(services, created.id, by=responder)
    assert stored == closed


def test_unknown_incident_is_not_found(services, responder):
    with pytest.raises(NotFound, match="999"):
        incidents.acknowledge_incident(services, IncidentId(999), by=responder)


def test_list_filters_open_and_orders_by_severity(services, responder, clock):
    p3 = incidents.declare_incident(services, title="typo", severity=Severity.P3, by=responder)
    clock.advance(timedelta(minutes=1))
    p0 = incidents.declare_incident(services, title="api down", severity=Severity.P0, by=responder)
    done = incidents.declare_incident(services, title="done", severity=Severity.P0, by=responder)
    incidents.resolve_incident(services, done.id, by=responder)
    page = incidents.list_incidents(services, IncidentFilter(open=True), by=responder)
    assert [i.id for i in page.items] == [p0.id, p3.id]
    assert page.total == 2
    every = incidents.list_incidents(services, IncidentFilter(limit=1, offset=1), by=responder)
    assert every.total == 3
    assert len(every.items) == 1


def test_patching_to_what_it_already_is_says_so(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    with pytest.raises(InvalidInput, match="already P2"):
        incidents.update_incident(services, created.id, severity=Severity.P2, reason="why not", by=responder)


def test_queries_do_not_wait_for_a_writer(services, responder):
    created = incidents.declare_incident(services, title="slow", severity=Severity.P2, by=responder)
    with services.uow() as writer:
        writer.incidents.get(created.id, for_update=True)
        writer.incidents.save(created)
        assert incidents.get_incident(services, created.id, by=responder) == created
        writer.rollback()
