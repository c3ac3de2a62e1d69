"""Who is on call: rotations across the 2026 Paris/Brussels DST changes, layers, overrides.

In 2026 Europe/Paris and Europe/Brussels spring forward on Sunday 29 March at 01:00 UTC
(02:00 CET → 03:00 CEST) and fall back on Sunday 25 October at 01:00 UTC (03:00 → 02:00).
"""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.domain.localtime import wall_to_utc, zone
from tocsin.domain.oncall import (
    OnCall,
    Override,
    Restriction,
    Rotation,
    Schedule,
    Shift,
    current_and_next,
    on_call,
    shifts,
)

PARIS = zone("Europe/Paris")
BRUSSELS = zone("Europe/Brussels")
SRE = ("sofia", "theo", "nora")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def weekly(tz=BRUSSELS, handoff=time(9, 0), people=SRE, anchor=date(2026, 1, 5), **kw):
    return Rotation(people, tz, anchor, handoff, timedelta(days=7), **kw)


def daily(tz=PARIS, handoff=time(2, 30), people=("ana", "ben"), anchor=date(2026, 1, 1), **kw):
    return Rotation(people, tz, anchor, handoff, timedelta(days=1), **kw)


def schedule(*layers, overrides=(), tz=BRUSSELS):
    return Schedule("sre_oncall", "Astreinte SRE", tz, tuple(layers), tuple(overrides))


@pytest.mark.parametrize(
    ("day", "at", "tz", "expected"),
    [
        (date(2026, 1, 5), time(9), PARIS, utc(2026, 1, 5, 8)),  # CET, UTC+1
        (date(2026, 7, 6), time(9), BRUSSELS, utc(2026, 7, 6, 7)),  # CEST, UTC+2
        # 02:30 never happens on 29 March: the handoff is when the clocks jump (03:00 local)
        (date(2026, 3, 29), time(2, 30), PARIS, utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(2, 0), BRUSSELS, utc(2026, 3, 29, 1)),
        (date(2026, 3, 29), time(3, 0), BRUSSELS, utc(2026, 3, 29, 1)),
        # 02:30 happens twice on 25 October: the first time (still CEST)
        (date(2026, 10, 25), time(2, 30), PARIS, utc(2026, 10, 25, 0, 30)),
        (date(2026, 10, 25), time(3, 0), BRUSSELS, utc(2026, 10, 25, 2)),
    ],
)
def test_local_wall_time_to_utc_across_the_transitions(day, at, tz, expected):
    assert wall_to_utc(day, at, tz) == expected


def test_weekly_handoff_stays_at_nine_local_after_spring_forward():
    sre = schedule(weekly())
    # Monday 30 March 2026, first Monday in CEST: 09:00 local is 07:00 UTC, not 08:00
    assert on_call(sre, utc(2026, 3, 30, 6, 59)) == OnCall("nora", "layer 1")
    assert on_call(sre, utc(2026, 3, 30, 7, 0)) == OnCall("sofia", "layer 1")
    assert on_call(sre, utc(2026, 3, 30, 7, 30)).person == "sofia"
    # and back at 08:00 UTC once Brussels returns to CET (Monday 26 October)
    assert on_call(sre, utc(2026, 10, 26, 7, 59)).person != on_call(sre, utc(2026, 10, 26, 8)).person


def test_the_week_that_contains_a_transition_is_an_hour_short_or_long():
    sre = schedule(weekly())
    spring = shifts(sre, utc(2026, 3, 23, 8), utc(2026, 3, 30, 8))
    assert [(s.person, s.start, s.end) for s in spring] == [
        ("nora", utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)),
        ("sofia", utc(2026, 3, 30, 7), utc(2026, 3, 30, 8)),
    ]
    assert spring[0].end - spring[0].start == timedelta(days=7) - timedelta(hours=1)
    autumn = shifts(sre, utc(2026, 10, 19, 7), utc(2026, 10, 26, 8))
    assert autumn[0].end - autumn[0].start == timedelta(days=7) + timedelta(hours=1)


def test_a_daily_handoff_inside_the_spring_gap_happens_when_the_clocks_jump():
    rota = schedule(daily(), tz=PARIS)
    jump = utc(2026, 3, 29, 1)  # 02:00 CET becomes 03:00 CEST; 02:30 does not exist
    before, after = on_call(rota, jump - timedelta(seconds=1)), on_call(rota, jump)
    assert before.person != after.person
    day = shifts(rota, utc(2026, 3, 28, 12), utc(2026, 3, 30, 12))
    assert [s.start for s in day][1:] == [jump, utc(2026, 3, 30, 0, 30)]
    assert day[1].end - day[1].start == timedelta(hours=23, minutes=30)


def test_a_daily_handoff_inside_the_autumn_fold_happens_the_first_time():
    rota = schedule(daily(), tz=PARIS)
    first = utc(2026, 10, 25, 0, 30)  # 02:30 CEST; 02:30 CET an hour later changes nothing
    assert on_call(rota, first - timedelta(seconds=1)).person != on_call(rota, first).person
    assert on_call(rota, first).person == on_call(rota, first + timedelta(hours=1)).person
    [_, long_day, _] = shifts(rota, utc(2026, 10, 24, 12), utc(2026, 10, 26, 12))
    assert (long_day.start, long_day.end) == (first, utc(2026, 10, 26, 1, 30))
    assert long_day.end - long_day.start == timedelta(hours=25)


def test_custom_rotation_of_three_days_counts_local_days():
    rota = Rotation(("a", "b"), PARIS, date(2026, 3, 27), time(9), timedelta(days=3))
    sched = schedule(rota, tz=PARIS)
    assert on_call(sched, utc(2026, 3, 30, 6, 59)).person == "a"  # 30 March 09:00 CEST = 07:00Z
    assert on_call(sched, utc(2026, 3, 30, 7)).person == "b"


def test_a_sub_day_rotation_counts_elapsed_time():
    rota = Rotation(("day", "night"), PARIS, date(2026, 3, 28), time(8), timedelta(hours=12))
    sched = schedule(rota, tz=PARIS)
    assert on_call(sched, utc(2026, 3, 28, 7)).person == "day"
    assert on_call(sched, utc(2026, 3, 28, 19)).person == "night"
    assert on_call(sched, utc(2026, 3, 29, 7)).person == "day"  # 12 h turns, in UTC terms


def test_participants_take_turns_in_order_also_before_the_anchor():
    sre = schedule(weekly())
    mondays = [utc(2026, 1, 5, 9) + timedelta(weeks=w) for w in range(-2, 4)]
    assert [on_call(sre, m).person for m in mondays] == ["theo", "nora", "sofia", "theo", "nora", "sofia"]


def test_a_higher_layer_wins_where_it_covers():
    business = Restriction(weekdays=frozenset(range(5)), start=time(9), end=time(18))
    sched = schedule(weekly(), weekly(people=("hugo",), restriction=business))
    assert on_call(sched, utc(2026, 3, 30, 8)) == OnCall("hugo", "layer 2")  # Monday 10:00 CEST
    assert on_call(sched, utc(2026, 3, 30, 17)).source == "layer 1"  # 19:00 local
    assert on_call(sched, utc(2026, 4, 4, 10)).source == "layer 1"  # Saturday
    monday = shifts(sched, utc(2026, 3, 30, 0), utc(2026, 3, 31, 0))
    assert [s.person for s in monday] == ["nora", "hugo", "sofia"]
    assert [s.start for s in monday] == [utc(2026, 3, 30, 0), utc(2026, 3, 30, 7), utc(2026, 3, 30, 16)]


def test_a_night_window_wraps_past_midnight_on_the_day_it_started():
    nights = Restriction(weekdays=frozenset({4}), start=time(22), end=time(6))  # Friday nights
    sched = schedule(weekly(people=("owl",), restriction=nights))
    assert on_call(sched, utc(2026, 4, 3, 21)).person == "owl"  # Friday 23:00 CEST
    assert on_call(sched, utc(2026, 4, 4, 3)).person == "owl"  # Saturday 05:00, Friday's night
    assert on_call(sched, utc(2026, 4, 4, 21)) is None  # Saturday 23:00
    assert on_call(sched, utc(2026, 4, 3, 3)) is None  # Friday 05:00 is Thursday's night


def test_overrides_beat_every_layer_and_the_last_listed_wins():
    sched = schedule(
        weekly(),
        overrides=[
            Override("camille", utc(2026, 4, 1, 12), utc(2026, 4, 2, 12)),
            Override("david", utc(2026, 4, 2, 0), utc(2026, 4, 2, 6)),
        ],
    )
    assert on_call(sched, utc(2026, 4, 1, 13)) == OnCall("camille", "override")
    assert on_call(sched, utc(2026, 4, 2, 1)).person == "david"
    assert on_call(sched, utc(2026, 4, 2, 12)).person == "sofia"
    week = shifts(sched, utc(2026, 4, 1, 0), utc(2026, 4, 3, 0))
    assert [(s.person, s.start, s.end) for s in week] == [
        ("sofia", utc(2026, 4, 1, 0), utc(2026, 4, 1, 12)),
        ("camille", utc(2026, 4, 1, 12), utc(2026, 4, 2, 0)),
        ("david", utc(2026, 4, 2, 0), utc(2026, 4, 2, 6)),
        ("camille", utc(2026, 4, 2, 6), utc(2026, 4, 2, 12)),
        ("sofia", utc(2026, 4, 2, 12), utc(2026, 4, 3, 0)),
    ]


def test_current_and_next_are_whole_shifts():
    sre = schedule(weekly())
    current, following = current_and_next(sre, utc(2026, 4, 1, 12))
    assert current == Shift("sofia", utc(2026, 3, 30, 7), utc(2026, 4, 6, 7), "layer 1")
    assert following == Shift("theo", utc(2026, 4, 6, 7), utc(2026, 4, 13, 7), "layer 1")


def test_nobody_on_call_in_an_empty_schedule():
    empty = schedule(weekly(people=()))
    assert on_call(empty, utc(2026, 4, 1)) is None
    assert shifts(empty, utc(2026, 4, 1), utc(2026, 4, 8)) == []
    assert current_and_next(empty, utc(2026, 4, 1)) == (None, None)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="aware"):
        on_call(schedule(weekly()), datetime(2026, 4, 1))


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    st.sampled_from([time(0, 0), time(2, 30), time(9, 0), time(23, 30)]),
    st.sampled_from([1, 2, 7]),
)
def test_shifts_and_on_call_agree_everywhere(naive, handoff, days):
    at = naive.replace(tzinfo=UTC)
    rota = Rotation(("a", "b", "c"), PARIS, date(2026, 1, 1), handoff, timedelta(days=days))
    business = Restriction(weekdays=frozenset(range(5)), start=time(9), end=time(18))
    sched = schedule(rota, weekly(tz=PARIS, people=("x",), restriction=business), tz=PARIS)
    window = shifts(sched, at - timedelta(days=8), at + timedelta(days=8))
    [covering] = [s for s in window if s.start <= at < s.end]
    assert covering.person == on_call(sched, at).person
    assert all(a.end <= b.start for a, b in itertools.pairwise(window))
