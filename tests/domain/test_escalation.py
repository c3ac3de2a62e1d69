"""The escalation state machine, pure: steps, waits, repeats, fencing."""

from datetime import UTC, datetime, timedelta

from tocsin.domain import escalation
from tocsin.domain.escalation import Policy, Status, Step
from tocsin.domain.events import JobKind
from tocsin.domain.severity import Severity

T0 = datetime(2026, 11, 27, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)
P1 = Policy(Severity.P1, (Step(("schedule:sre_oncall",), HOUR), Step(("role:lead_engineer",), HOUR)))


def test_begin_runs_step_1_now_and_times_step_2():
    advance = escalation.begin(7, P1, generation=0, at=T0)
    assert (advance.run.number, advance.run.targets, advance.run.at) == (1, ("schedule:sre_oncall",), T0)
    assert advance.timer.kind is JobKind.ESCALATION_STEP
    assert advance.timer.due_at == T0 + HOUR
    assert advance.timer.payload == {"incident_id": 7, "generation": 0, "seq": 1}
    assert advance.escalation.next_step_at == T0 + HOUR


def test_the_timer_is_fenced_by_generation_and_seq_and_not_early():
    state = escalation.begin(7, P1, generation=0, at=T0).escalation
    due = T0 + HOUR
    assert escalation.fire(state, seq=1, generation=0, incident_generation=1, at=due) is None  # acked
    assert escalation.fire(state, seq=0, generation=0, incident_generation=0, at=due) is None  # old seq
    assert (
        escalation.fire(state, seq=1, generation=0, incident_generation=0, at=due - timedelta(seconds=1))
        is None
    )
    fired = escalation.fire(state, seq=1, generation=0, incident_generation=0, at=due)
    assert (fired.run.number, fired.timer, fired.cancel_keys) == (2, None, ())
    assert escalation.fire(fired.escalation, seq=1, generation=0, incident_generation=0, at=due) is None


def test_repeat_runs_the_policy_again_then_stops_timing():
    policy = Policy(Severity.P0, (Step(("role:cto",), HOUR),), repeat=1)
    first = escalation.begin(1, policy, generation=0, at=T0)
    second = escalation.fire(first.escalation, seq=1, generation=0, incident_generation=0, at=T0 + HOUR)
    assert (second.run.number, second.run.round, second.timer) == (1, 2, None)


def test_a_breach_escalates_unless_a_step_ran_at_the_deadline():
    state = escalation.begin(1, P1, generation=0, at=T0).escalation
    breach = escalation.on_breach(state, generation=0, incident_generation=0, due_at=T0 + HOUR, at=T0 + HOUR)
    assert breach.run.number == 2
    assert breach.cancel_keys == ("escalation:1:1",)
    again = escalation.on_breach(
        breach.escalation, generation=0, incident_generation=0, due_at=T0 + HOUR, at=T0 + HOUR
    )
    assert again is None


def test_escalate_now_past_the_last_step_repeats_it_and_a_stopped_one_stays_stopped():
    state = escalation.begin(1, P1, generation=0, at=T0).escalation
    state, _ = escalation.stop(state, at=T0, reason="acknowledged")
    assert state.status is Status.STOPPED
    manual = escalation.escalate_now(state, generation=1, at=T0, by="rita")
    assert (manual.run.number, manual.timer, manual.escalation.status) == (2, None, Status.STOPPED)
    again = escalation.escalate_now(manual.escalation, generation=1, at=T0, by="rita")
    assert again.run.number == 2
    assert again.run.reason == "escalated by rita"


def test_a_re_plan_keeps_the_counters_so_keys_stay_unique():
    first = escalation.begin(1, P1, generation=0, at=T0).escalation
    p0 = Policy(Severity.P0, (Step(("role:cto",), timedelta(minutes=15)),))
    replanned = escalation.begin(1, p0, generation=1, at=T0, previous=first)
    assert replanned.escalation.seq == 2
    assert replanned.cancel_keys == ("escalation:1:1",)
    assert replanned.escalation.policy.severity is Severity.P0
