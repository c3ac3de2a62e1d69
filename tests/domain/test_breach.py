"""The breach clock and its commands, pure: before, at and after 72 h; timers; Art. 33(1) delay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain.breach import Assessment, Breach, Method, NoticeKind, Risk, State, breach_timers
from tocsin.domain.breach_commands import Terms, assess, record_notice
from tocsin.domain.errors import Conflict, InvalidInput, InvalidTransition
from tocsin.domain.impact import Impact
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity

T = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
H = timedelta(hours=1)
TERMS = Terms()


def incident(security: bool = True) -> Incident:
    return Incident(
        id=IncidentId(7),
        title="Dump",
        summary="",
        severity=Severity.P0,
        phase=Phase.TRIAGE,
        source="manual",
        detected_at=T,
        declared_by="sam",
        ack_due_at=T + 15 * timedelta(minutes=1),
        response_time=timedelta(minutes=15),
        impact=Impact(),
        security=security,
    )


def recorded(risk: Risk | None = Risk.HIGH, now: datetime = T) -> Breach:
    return assess(
        incident(),
        None,
        Assessment(risk=risk),
        aware_at=None,
        delay_reasons=None,
        terms=TERMS,
        now=now,
        by="sam",
    ).breach


def test_the_clock_before_at_and_after_72_h():
    b = recorded()
    assert b.notify_by(TERMS.deadline) == T + 72 * H
    assert b.state(TERMS.deadline, T + 71 * H) is State.NOTIFICATION_DUE
    assert b.state(TERMS.deadline, T + 72 * H) is State.NOTIFICATION_DUE
    assert b.state(TERMS.deadline, T + 72 * H + timedelta(seconds=1)) is State.OVERDUE
    clock = b.clock(TERMS.deadline, "CNIL", T + 70 * H + 30 * timedelta(minutes=1))
    assert (clock.headline, clock.time_left) == ("Notify CNIL by 2026-11-30 10:00 UTC", "1 h 30 min left")
    assert b.clock(TERMS.deadline, "CNIL", T + 75 * H).time_left == "overdue by 3 h 00 min"
    assert recorded(None).state(TERMS.deadline, T) is State.ASSESSING
    assert recorded(Risk.NONE).state(TERMS.deadline, T + 100 * H) is State.NOT_REQUIRED


def test_timers_are_the_reminders_ahead_and_the_escalation_just_after_the_deadline():
    b = recorded()
    due = [(j.payload["which"], j.due_at - T) for j in breach_timers(b, TERMS.deadline, TERMS.reminders, T)]
    assert due == [
        ("24h", 24 * H),
        ("48h", 48 * H),
        ("60h", 60 * H),
        ("68h", 68 * H),
        ("overdue", 72 * H + timedelta(seconds=1)),
    ]
    late = [j.payload["which"] for j in breach_timers(b, TERMS.deadline, TERMS.reminders, T + 50 * H)]
    assert late == ["60h", "68h", "overdue"]


def test_refusals_name_the_field():
    with pytest.raises(InvalidTransition, match=r"not a security incident: mark it as one first"):
        assess(
            incident(False), None, Assessment(), aware_at=None, delay_reasons=None, terms=TERMS, now=T, by="s"
        )
    with pytest.raises(InvalidInput, match=r"^aware_at: .* is in the future"):
        assess(incident(), None, Assessment(), aware_at=T + H, delay_reasons=None, terms=TERMS, now=T, by="s")
    with pytest.raises(InvalidInput, match=r"^subjects_approx: a number from 0 to "):
        assess(
            incident(),
            None,
            Assessment(subjects_approx=-1),
            aware_at=None,
            delay_reasons=None,
            terms=TERMS,
            now=T,
            by="s",
        )
    b = recorded()
    with pytest.raises(InvalidInput, match=r"^delay_reasons: required"):
        record_notice(
            b,
            kind=NoticeKind.INITIAL,
            at=None,
            method=Method.EMAIL,
            reference="r",
            terms=TERMS,
            now=T + 73 * H,
            by="s",
        )
    with pytest.raises(InvalidTransition, match=r"initial notification first"):
        record_notice(
            b,
            kind=NoticeKind.FOLLOW_UP,
            at=None,
            method=Method.EMAIL,
            reference="r",
            terms=TERMS,
            now=T,
            by="s",
        )
    done = record_notice(
        b, kind=NoticeKind.INITIAL, at=None, method=Method.EMAIL, reference="r", terms=TERMS, now=T, by="s"
    ).breach
    with pytest.raises(Conflict, match=r"already notified"):
        record_notice(
            done,
            kind=NoticeKind.INITIAL,
            at=None,
            method=Method.EMAIL,
            reference="r",
            terms=TERMS,
            now=T,
            by="s",
        )
    assert done.state(TERMS.deadline, T + 100 * H) is State.NOTIFIED
