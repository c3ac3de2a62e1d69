"""The security procedure's five steps, tracked: state, owner, times and notes replayed from
the timeline."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tocsin.config import Settings
from tocsin.domain import incident as domain
from tocsin.domain import security_steps as procedure
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import EventKind
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.security_steps import StepState
from tocsin.domain.severity import Severity

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
PLAN = Settings().plan()


def a_security_incident():
    return domain.declare(
        IncidentId(7), title="Leak", severity=Severity.P0, security=True, at=T0, by="ada", plan=PLAN
    ).incident


def test_the_five_steps_are_the_plans_words():
    names = [step.name for step in procedure.steps()]
    assert names == ["Isolation", "Forensics", "Notification GDPR", "Communication", "Investigation"]
    assert all(step.state is StepState.TODO for step in procedure.steps())


def test_owner_state_times_and_notes_are_replayed_from_the_timeline():
    incident = a_security_incident()
    events = [
        *procedure.update(incident, 1, owner="Ada", at=T0, by="ada").events,
        *procedure.update(
            incident, 1, state=StepState.IN_PROGRESS, at=T0 + timedelta(minutes=2), by="ada"
        ).events,
        *procedure.update(
            incident, 1, note="WAF rule on 203.0.113.0/24", at=T0 + timedelta(minutes=3), by="ada"
        ).events,
        *procedure.update(incident, 1, state=StepState.DONE, at=T0 + timedelta(minutes=9), by="bob").events,
        *procedure.update(
            incident, 3, state=StepState.NOT_NEEDED, note="no personal data", at=T0, by="ada"
        ).events,
    ]
    assert all(e.kind is EventKind.SECURITY_STEP for e in events)
    assert events[0].text == "Security step 1 (Isolation): owner Ada"
    assert events[3].text == "Security step 1 (Isolation): done"
    steps = procedure.replay(events)
    isolation, _, gdpr, *_ = steps
    assert (isolation.state, isolation.owner) == (StepState.DONE, "Ada")
    assert (isolation.started_at, isolation.ended_at) == (
        T0 + timedelta(minutes=2),
        T0 + timedelta(minutes=9),
    )
    assert [n.text for n in isolation.notes] == ["WAF rule on 203.0.113.0/24"]
    assert (gdpr.state, gdpr.ended_at, gdpr.notes[0].actor) == (StepState.NOT_NEEDED, T0, "ada")
    assert steps[1].state is StepState.TODO


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"step": 6, "state": StepState.DONE}, "steps 1 to 5"),
        ({"step": 1}, "nothing to record"),
        ({"step": 1, "note": "x" * 2001}, "note: at most 2000"),
        ({"step": 1, "owner": "a\x00b"}, "owner: contains a NUL"),
    ],
)
def test_bad_input_names_the_field(change, error):
    step = change.pop("step")
    with pytest.raises(InvalidInput, match=error):
        procedure.update(a_security_incident(), step, at=T0, by="ada", **change)


def test_only_open_security_incidents_have_the_procedure():
    plain = replace(a_security_incident(), security=False)
    with pytest.raises(InvalidTransition, match="mark the incident first"):
        procedure.update(plain, 1, state=StepState.DONE, at=T0, by="ada")
    closed = replace(a_security_incident(), phase=Phase.CLOSED)
    with pytest.raises(InvalidTransition, match="closed"):
        procedure.update(closed, 1, state=StepState.DONE, at=T0, by="ada")
