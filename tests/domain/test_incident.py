from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain import incident as inc
from tocsin.domain import incident_record as record
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import EventKind, JobKind
from tocsin.domain.incident import Impact, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.domain.sla import SlaState

from .conftest import T0, a_plan

PLAN = a_plan()
MIN = timedelta(minutes=1)


def declared(severity=Severity.P1, at=T0):
    return inc.declare(
        IncidentId(7), title="API P99 > 5s", severity=severity, at=at, by="alice", plan=PLAN
    ).incident


@pytest.mark.parametrize(
    ("severity", "minutes"), [(Severity.P0, 15), (Severity.P1, 60), (Severity.P2, 240), (Severity.P3, 1440)]
)
def test_declare_starts_the_response_clock_of_its_severity(severity, minutes):
    change = inc.declare(IncidentId(1), title="Login fail", severity=severity, at=T0, by="alice", plan=PLAN)
    assert change.incident.phase is Phase.DETECTION
    assert change.incident.ack_due_at == T0 + timedelta(minutes=minutes)
    [timer] = change.jobs
    assert timer.kind is JobKind.ACK_DEADLINE
    assert timer.due_at == change.incident.ack_due_at
    assert timer.payload == {"incident_id": 1, "generation": 0}
    [event] = change.events
    assert event.kind is EventKind.DECLARED
    assert event.actor == "alice"
    assert event.at == T0


def test_declare_cleans_and_checks_the_title():
    change = inc.declare(IncidentId(1), title="  DB   down ", severity=Severity.P0, at=T0, by="a", plan=PLAN)
    assert change.incident.title == "DB down"
    with pytest.raises(InvalidInput, match="title"):
        inc.declare(IncidentId(1), title="   ", severity=Severity.P0, at=T0, by="a", plan=PLAN)
    with pytest.raises(InvalidInput, match="at most 200"):
        inc.declare(IncidentId(1), title="x" * 201, severity=Severity.P0, at=T0, by="a", plan=PLAN)


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError, match="aware"):
        declared(at=datetime(2026, 1, 1))


def test_acknowledge_stops_the_clock_and_fences_the_pending_timer():
    incident = declared()
    change = inc.acknowledge(incident, at=T0 + 2 * MIN, by="bob")
    acked = change.incident
    assert acked.phase is Phase.TRIAGE
    assert acked.acknowledged_at == T0 + 2 * MIN
    assert acked.acknowledged_by == "bob"
    assert acked.generation == incident.generation + 1
    assert change.cancel_keys == (inc.ack_deadline_key(incident.id, 0),)
    later = acked.sla(T0 + 3 * timedelta(hours=1))
    assert not later.running
    assert later.remaining_seconds == 58 * 60
    assert "after 2m (within the response time)" in change.events[0].text


def test_acknowledging_late_says_so_and_reads_breached():
    acked = inc.acknowledge(declared(), at=T0 + 61 * MIN, by="bob")
    assert "after the response time" in acked.events[0].text
    assert acked.incident.sla(T0 + 61 * MIN).state is SlaState.BREACHED


def test_acknowledge_twice_is_an_invalid_transition_naming_the_phase():
    acked = inc.acknowledge(declared(), at=T0, by="bob").incident
    with pytest.raises(InvalidTransition, match="phase 'triage'"):
        inc.acknowledge(acked, at=T0, by="bob")


def test_upgrading_severity_before_ack_recomputes_the_deadline_from_detection():
    incident = declared(Severity.P2)
    change = inc.set_severity(
        incident, Severity.P0, reason="all users hit", at=T0 + 5 * MIN, by="bob", plan=PLAN
    )
    assert change.incident.ack_due_at == T0 + 15 * MIN
    assert change.incident.generation == 1
    assert change.cancel_keys == (inc.ack_deadline_key(incident.id, 0),)
    [timer] = change.jobs
    assert timer.due_at == T0 + 15 * MIN
    assert timer.payload["generation"] == 1
    assert "P2 → P0: all users hit" in change.events[0].text


def test_severity_change_after_ack_leaves_the_stopped_clock_alone():
    acked = inc.acknowledge(declared(Severity.P2), at=T0 + MIN, by="bob").incident
    change = inc.set_severity(
        acked, Severity.P1, reason="more users hit", at=T0 + 2 * MIN, by="bob", plan=PLAN
    )
    assert change.incident.ack_due_at == acked.ack_due_at
    assert change.jobs == ()


def test_setting_the_same_severity_is_refused():
    with pytest.raises(InvalidInput, match="already P1"):
        inc.set_severity(declared(), Severity.P1, reason="worse", at=T0, by="bob", plan=PLAN)


def test_assessing_impact_during_triage_moves_to_resolution():
    acked = inc.acknowledge(declared(), at=T0, by="bob").incident
    impact = Impact(users_affected=1200, features_down=("login",), data_risk=True)
    change = record.assess_impact(acked, impact, at=T0 + MIN, by="bob")
    assert change.incident.phase is Phase.RESOLUTION
    assert change.incident.impact.users_affected == 1200
    assert change.incident.impact.assessed_at == T0 + MIN
    assert not change.incident.security
    kinds = [e.kind for e in change.events]
    assert kinds == [EventKind.IMPACT_ASSESSED, EventKind.PHASE_CHANGED]
    assert "users affected: 1200; features down: login; risk: data" in change.events[0].text


def test_a_security_risk_marks_a_security_incident():
    change = record.assess_impact(declared(), Impact(security_risk=True), at=T0, by="bob")
    assert change.incident.security
    assert change.incident.phase is Phase.DETECTION
    assert any("security incident" in e.text for e in change.events)


def test_negative_users_affected_is_refused():
    with pytest.raises(InvalidInput, match="users_affected"):
        record.assess_impact(declared(), Impact(users_affected=-1), at=T0, by="bob")


def test_resolve_a_p1_sets_the_postmortem_due_48h_later():
    acked = inc.acknowledge(declared(), at=T0, by="bob").incident
    change = inc.resolve(acked, summary="pool resized", at=T0 + 15 * MIN, by="bob", plan=PLAN)
    assert change.incident.phase is Phase.POST_INCIDENT
    assert change.incident.postmortem_due_at == T0 + 15 * MIN + timedelta(hours=48)
    assert (
        change.events[0].text
        == "Resolved after 15m: pool resized — post-mortem required by 2026-11-29 14:45 UTC"
    )


def test_resolve_a_p3_needs_no_postmortem_and_cancels_a_running_clock():
    incident = declared(Severity.P3)
    change = inc.resolve(incident, at=T0 + MIN, by="bob", plan=PLAN)
    assert change.incident.postmortem_due_at is None
    assert change.cancel_keys == (inc.ack_deadline_key(incident.id, 0),)
    assert not change.incident.sla(T0 + timedelta(days=3)).running


def test_close_only_after_resolution():
    with pytest.raises(InvalidTransition, match="phase 'detection'"):
        inc.close(declared(), at=T0, by="bob")
    resolved = inc.resolve(declared(), at=T0, by="bob", plan=PLAN).incident
    closed = inc.close(resolved, at=T0 + MIN, by="bob").incident
    assert closed.phase is Phase.CLOSED
    assert closed.closed_at == T0 + MIN


def test_reopen_an_acknowledged_incident_goes_back_to_resolution():
    acked = inc.acknowledge(declared(), at=T0, by="bob").incident
    closed = inc.close(inc.resolve(acked, at=T0, by="b", plan=PLAN).incident, at=T0, by="b").incident
    change = inc.reopen(closed, reason="flapping", at=T0 + MIN, by="bob", plan=PLAN)
    assert change.incident.phase is Phase.RESOLUTION
    assert change.incident.resolved_at is None
    assert change.incident.closed_at is None
    assert change.incident.postmortem_due_at is None
    assert change.jobs == ()
    assert change.events[0].text == "Reopened: flapping"


def test_reopen_a_never_acknowledged_incident_rearms_the_clock():
    resolved = inc.resolve(declared(), at=T0 + MIN, by="b", plan=PLAN).incident
    change = inc.reopen(resolved, at=T0 + 2 * MIN, by="bob", plan=PLAN)
    assert change.incident.phase is Phase.DETECTION
    assert change.incident.ack_due_at == T0 + 62 * MIN
    [timer] = change.jobs
    assert timer.payload["generation"] == change.incident.generation


def test_breach_fires_once_for_the_current_generation():
    incident = declared()
    change = inc.breach_ack_deadline(incident, generation=0, at=incident.ack_due_at)
    assert change is not None
    assert change.incident.sla_breached_at == incident.ack_due_at
    assert change.events[0].kind is EventKind.SLA_BREACHED
    assert "P1 requires acknowledgement within 1h, due 15:30 UTC" in change.events[0].text
    assert change.jobs == ()  # one timer: its handler escalates in this change, no second hop


@pytest.mark.parametrize(
    "make_stale",
    [
        lambda i: inc.acknowledge(i, at=T0, by="b").incident,
        lambda i: inc.resolve(i, at=T0, by="b", plan=PLAN).incident,
        lambda i: inc.set_severity(i, Severity.P3, reason="minor", at=T0, by="b", plan=PLAN).incident,
    ],
    ids=["acknowledged", "resolved", "severity changed"],
)
def test_a_stale_timer_is_a_no_op(make_stale):
    incident = make_stale(declared())
    assert inc.breach_ack_deadline(incident, generation=0, at=T0 + timedelta(days=2)) is None


def test_a_timer_that_fires_early_does_nothing():
    incident = declared()
    assert inc.breach_ack_deadline(incident, generation=0, at=incident.ack_due_at - MIN) is None


def test_commands_never_mutate_their_input():
    incident = declared()
    snapshot = replace(incident)
    inc.acknowledge(incident, at=T0, by="b")
    inc.resolve(incident, at=T0, by="b", plan=PLAN)
    assert incident == snapshot


def test_notes_are_timeline_only_and_must_say_something():
    incident = declared()
    change = record.add_note(incident, "  restarted api-1  ", at=T0, by="bob")
    assert change.incident == incident
    assert change.events[0].text == "restarted api-1"
    with pytest.raises(InvalidInput, match="text"):
        record.add_note(incident, " ", at=T0, by="bob")


def test_rename_records_the_old_and_new_title():
    change = record.rename(declared(), "Login failing for EU users", at=T0, by="bob")
    assert change.incident.title == "Login failing for EU users"
    assert change.events[0].data == {"old": "API P99 > 5s", "new": "Login failing for EU users"}


def test_timestamps_stay_utc():
    assert declared().ack_due_at.tzinfo is UTC


def test_a_breach_already_recorded_is_not_recorded_again():
    incident = declared()
    first = inc.breach_ack_deadline(incident, generation=0, at=incident.ack_due_at)
    assert first is not None
    again = inc.breach_ack_deadline(first.incident, generation=0, at=incident.ack_due_at + MIN)
    assert again is None


def test_a_later_deadline_after_a_downgrade_can_breach_again():
    incident = declared(Severity.P1)
    breached = inc.breach_ack_deadline(incident, generation=0, at=incident.ack_due_at)
    assert breached is not None
    downgraded = inc.set_severity(
        breached.incident, Severity.P2, reason="fewer users", at=T0 + 61 * MIN, by="b", plan=PLAN
    ).incident
    assert inc.breach_ack_deadline(downgraded, generation=1, at=T0 + 4 * 60 * MIN) is not None


def test_the_response_time_is_frozen_onto_the_incident():
    quick = replace(PLAN, levels=tuple(replace(lv, response_time=timedelta(seconds=3)) for lv in PLAN.levels))
    incident = inc.declare(IncidentId(1), title="t", severity=Severity.P1, at=T0, by="a", plan=quick).incident
    assert incident.response_time == timedelta(seconds=3)
    change = inc.breach_ack_deadline(incident, generation=0, at=T0 + timedelta(seconds=3))
    assert change is not None
    assert "within 3s" in change.events[0].text


def test_long_free_texts_are_refused():
    with pytest.raises(InvalidInput, match="summary: at most 10000"):
        inc.declare(
            IncidentId(1), title="t", severity=Severity.P1, summary="x" * 10_001, at=T0, by="a", plan=PLAN
        )
    with pytest.raises(InvalidInput, match="reason"):
        inc.set_severity(declared(), Severity.P0, reason="x" * 10_001, at=T0, by="b", plan=PLAN)


def test_a_severity_change_needs_its_reason():
    with pytest.raises(InvalidInput, match="reason: say why the severity changes from P1 to P0"):
        inc.set_severity(declared(Severity.P1), Severity.P0, reason="  ", at=T0, by="bob", plan=PLAN)
