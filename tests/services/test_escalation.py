"""Escalation with a frozen clock: step 1 at once, step 2 when the wait ends unacknowledged,
an ack before that means no step 2 even if the old timer fires, breaches, re-plans, by hand."""

from datetime import timedelta

import pytest

from tests.paging_plan import Recorder, drain, plan, with_recorder
from tocsin.config import Settings
from tocsin.domain.errors import InvalidTransition, PermissionDenied
from tocsin.domain.events import EventKind, JobKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents
from tocsin.services.paging import escalation


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(plan(db_url))


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def svc(services, recorder):
    return with_recorder(services, recorder)


def declare(svc, responder, severity, title="Login fail"):
    return incidents.declare_incident(svc, title=title, severity=severity, by=responder)


def steps(svc, incident_id, by):
    return [e for e in incidents.get_timeline(svc, incident_id, by=by) if e.kind is EventKind.ESCALATED]


def step_timers(container, status="pending"):
    return [j for j in container.jobs.list(status=status) if j.kind is JobKind.ESCALATION_STEP]


def test_p1_pages_the_sre_on_call_at_once_then_the_lead_engineer_after_an_hour(
    svc, container, responder, recorder, clock
):
    created = declare(svc, responder, Severity.P1)
    drain(container, svc)
    assert recorder.pages() == [(created.id, "sofia")]
    [first] = steps(svc, created.id, responder)
    assert first.at == clock.now()
    assert "step 1/2" in first.text
    assert "Sofia Lambert (schedule:sre_oncall) by email" in first.text
    assert first.data["notified"] == ["sofia"]

    clock.advance(timedelta(minutes=59))
    drain(container, svc)
    assert recorder.pages() == [(created.id, "sofia")]
    clock.advance(timedelta(minutes=1))
    drain(container, svc)  # the step timer and the response-time breach are due together
    assert recorder.pages() == [(created.id, "sofia"), (created.id, "camille")]
    second = steps(svc, created.id, responder)[1]
    assert "step 2/2" in second.text
    assert second.data["targets"] == ["role:lead_engineer"]
    assert len(steps(svc, created.id, responder)) == 2  # the breach found step 2 already done


def test_an_ack_before_the_wait_ends_means_no_step_2_even_if_the_old_timer_fires(
    svc, container, responder, recorder, clock
):
    created = declare(svc, responder, Severity.P1)
    [timer] = step_timers(container)
    clock.advance(timedelta(minutes=20))
    incidents.acknowledge_incident(svc, created.id, by=responder)
    assert step_timers(container) == []  # cancelled with the ack
    clock.advance(timedelta(hours=2))
    with svc.uow() as uow:  # the old timer fires anyway (say it was already claimed)
        assert escalation.fire_step(svc, uow, timer.payload) is False
        uow.commit()
    drain(container, svc)
    assert [p for p in recorder.pages()] == [(created.id, "sofia")]
    kinds = [e.kind for e in incidents.get_timeline(svc, created.id, by=responder)]
    assert EventKind.ESCALATION_STOPPED in kinds
    fyi = [n for n in recorder.sent if n.purpose.value == "fyi"]
    assert [(n.recipient, n.trigger.value) for n in fyi] == [("sofia", "acknowledged")]


def test_a_step_timer_run_twice_has_one_effect(svc, container, responder, recorder, clock):
    created = declare(svc, responder, Severity.P1)
    [timer] = step_timers(container)
    clock.advance(timedelta(hours=1))
    for expected in (True, False):
        with svc.uow() as uow:
            assert escalation.fire_step(svc, uow, timer.payload) is expected
            uow.commit()
    assert len(steps(svc, created.id, responder)) == 2


def test_a_breach_escalates_when_the_wait_is_longer_than_the_response_time(
    db_url, recorder, responder, clock
):
    from tocsin import bootstrap

    settings = Settings.model_validate(
        plan(db_url) | {"escalation": {"P1": {"steps": [{"wait": "3h"}, {"targets": ["role:cto"]}]}}}
    )
    container = bootstrap.build(settings, clock=clock)
    try:
        svc = with_recorder(container.services, recorder)
        created = declare(svc, responder, Severity.P1)
        clock.advance(timedelta(hours=1))  # response time 1h < wait 3h: the breach escalates
        drain(container, svc)
        assert recorder.pages() == [(created.id, "sofia"), (created.id, "david")]
        assert "response time breached" in steps(svc, created.id, responder)[1].text
        clock.advance(timedelta(hours=3))  # the 3h timer of step 1 is stale now
        drain(container, svc)
        assert len(recorder.pages()) == 2
    finally:
        container.close()


def test_p0_pages_lead_engineer_and_cto_together(svc, container, responder, recorder):
    created = declare(svc, responder, Severity.P0, title="API down")
    drain(container, svc)
    assert sorted(recorder.pages()) == [(created.id, "camille"), (created.id, "david")]


def test_p2_and_p3_page_the_dev_team(svc, container, responder, recorder):
    p2 = declare(svc, responder, Severity.P2, title="slow")
    p3 = declare(svc, responder, Severity.P3, title="typo")
    drain(container, svc)
    assert sorted(recorder.pages()) == [(p2.id, "hugo"), (p2.id, "ines"), (p3.id, "hugo"), (p3.id, "ines")]


def test_raising_the_severity_re_plans_from_the_new_policy(svc, container, responder, recorder, clock):
    created = declare(svc, responder, Severity.P2, title="slow")
    clock.advance(timedelta(minutes=5))
    incidents.update_incident(svc, created.id, severity=Severity.P0, reason="all users", by=responder)
    drain(container, svc)
    pages = [(n.recipient, n.trigger.value) for n in recorder.sent if n.purpose.value == "page"]
    assert sorted(pages) == [
        ("camille", "escalated"),
        ("david", "escalated"),
        ("hugo", "opened"),
        ("ines", "opened"),
    ]
    [_, replanned] = steps(svc, created.id, responder)
    assert "P0 policy, re-planned" in replanned.text
    with svc.read() as uow:
        frozen = uow.escalations.get(created.id)
    assert frozen.policy.severity is Severity.P0
    clock.advance(timedelta(hours=4))  # the P2 policy's timer would be due: it is stale
    drain(container, svc)
    assert len(steps(svc, created.id, responder)) == 2 + 1  # only the P0 breach re-page


def test_the_policy_is_frozen_when_the_incident_opens(svc, container, responder, recorder, clock):
    created = declare(svc, responder, Severity.P1)
    edited = svc.paging.policies | {Severity.P1: svc.paging.policies[Severity.P0]}
    from dataclasses import replace

    later = replace(svc, paging=replace(svc.paging, policies=edited))
    clock.advance(timedelta(hours=1))
    drain(container, later)
    assert recorder.pages()[-1] == (created.id, "camille")  # the frozen P1 step 2, not P0


def test_escalate_now_by_hand_runs_the_next_step_and_voids_the_old_timer(
    svc, container, responder, recorder, clock, viewer
):
    created = declare(svc, responder, Severity.P1)
    with pytest.raises(PermissionDenied):
        escalation.escalate_incident(svc, created.id, by=viewer)
    clock.advance(timedelta(minutes=10))
    escalation.escalate_incident(svc, created.id, by=responder)
    drain(container, svc)
    assert sorted(recorder.pages()) == [(created.id, "camille"), (created.id, "sofia")]
    manual = steps(svc, created.id, responder)[1]
    assert (manual.actor, manual.data["reason"]) == (responder.name, f"escalated by {responder.name}")
    clock.advance(timedelta(hours=1))
    drain(container, svc)  # step 1's timer is stale; the breach re-pages the last step
    assert recorder.pages()[2:] == [(created.id, "camille")]


def test_escalating_a_resolved_incident_is_refused(svc, responder):
    created = declare(svc, responder, Severity.P2)
    incidents.resolve_incident(svc, created.id, by=responder)
    with pytest.raises(InvalidTransition):
        escalation.escalate_incident(svc, created.id, by=responder)


def test_resolve_stops_escalation_and_tells_everyone_paged(svc, container, responder, recorder, clock):
    created = declare(svc, responder, Severity.P0, title="API down")
    clock.advance(timedelta(minutes=5))
    incidents.resolve_incident(svc, created.id, summary="rolled back", by=responder)
    drain(container, svc)
    fyi = sorted((n.recipient, n.trigger.value) for n in recorder.sent if n.purpose.value == "fyi")
    assert fyi == [("camille", "resolved"), ("david", "resolved")]
    with svc.read() as uow:
        assert uow.escalations.get(created.id).status.value == "stopped"


def test_every_delivery_is_on_the_timeline_and_recorded(svc, container, responder, recorder):
    created = declare(svc, responder, Severity.P0, title="API down")
    drain(container, svc)
    notified = [
        e for e in incidents.get_timeline(svc, created.id, by=responder) if e.kind is EventKind.NOTIFIED
    ]
    assert sorted(e.text for e in notified) == [
        "Paged Camille Martin by email (step 1)",
        "Paged David Peeters by email (step 1)",
    ]
    with svc.read() as uow:
        records = uow.deliveries.list(created.id)
    assert all(r.sent_at is not None for r in records)
    assert len(records) == 2
