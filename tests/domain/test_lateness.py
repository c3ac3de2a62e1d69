from datetime import UTC, datetime, timedelta

import pytest

from tocsin.domain.lateness import late_by, late_data, late_note, spoken, with_note

DUE = datetime(2026, 11, 27, 10, 15, tzinfo=UTC)


def test_a_timer_within_ten_seconds_is_on_time():
    assert late_by(DUE, DUE + timedelta(seconds=10)) is None
    assert late_note(DUE, DUE + timedelta(seconds=2)) == ""
    assert with_note("Response time breached", DUE, DUE) == "Response time breached"
    assert late_data(DUE, DUE) == {}
    assert late_note(None, DUE) == ""


def test_a_late_timer_says_how_late_and_why():
    at = DUE + timedelta(seconds=33)
    assert late_by(DUE, at) == timedelta(seconds=33)
    assert late_note(DUE, at) == "fired 33 s late: tocsin was not running"
    assert with_note("Breached", DUE, at) == "Breached (fired 33 s late: tocsin was not running)"
    assert late_data(DUE, at) == {"due_at": "2026-11-27T10:15:00+00:00", "fired_late_seconds": 33}


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 s"),
        (33, "33 s"),
        (250, "4 min 10 s"),
        (7200, "2 h"),
        (7500, "2 h 5 min"),
        (3 * 86400 + 4 * 3600 + 7, "3 d 4 h"),
    ],
)
def test_spoken_durations(seconds, words):
    assert spoken(timedelta(seconds=seconds)) == words


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        late_by(DUE.replace(tzinfo=None), DUE)
