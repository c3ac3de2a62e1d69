from datetime import timedelta

import pytest

from tocsin.domain.sla import SlaState, status

from .conftest import T0

HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("elapsed_minutes", "state"),
    [
        (0, SlaState.OK),
        (47, SlaState.OK),
        (48.5, SlaState.AT_RISK),
        (59, SlaState.AT_RISK),
        (60, SlaState.BREACHED),
    ],
)
def test_at_risk_when_less_than_a_fifth_is_left(elapsed_minutes, state):
    read = status(
        due_at=T0 + HOUR, response_time=HOUR, stopped_at=None, at=T0 + timedelta(minutes=elapsed_minutes)
    )
    assert read.state is state
    assert read.running


def test_remaining_goes_negative_once_breached():
    read = status(due_at=T0 + HOUR, response_time=HOUR, stopped_at=None, at=T0 + 2 * HOUR)
    assert read.remaining_seconds == -3600


def test_a_stopped_clock_keeps_the_reading_of_when_it_stopped():
    stopped = T0 + timedelta(minutes=10)
    early = status(due_at=T0 + HOUR, response_time=HOUR, stopped_at=stopped, at=T0 + timedelta(minutes=11))
    late = status(due_at=T0 + HOUR, response_time=HOUR, stopped_at=stopped, at=T0 + 5 * HOUR)
    assert early == late
    assert late.remaining_seconds == 50 * 60
    assert late.state is SlaState.OK
    assert not late.running
