"""Daily uptime bars from a component's status history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tocsin.domain.statuspage import ComponentStatus, worst
from tocsin.domain.uptime import uptime

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_no_history_is_ninety_green_days():
    result = uptime([], now=NOW)
    assert len(result.bars) == 90
    assert result.percent == 100.0
    assert {b.status for b in result.bars} == {ComponentStatus.OPERATIONAL}
    assert result.bars[-1].day == NOW.date()


def test_a_one_hour_major_outage_yesterday():
    start = NOW - timedelta(days=1, hours=2)
    history = [
        (start, ComponentStatus.MAJOR_OUTAGE),
        (start + timedelta(hours=1), ComponentStatus.OPERATIONAL),
    ]
    result = uptime(history, now=NOW)
    yesterday = result.bars[-2]
    assert yesterday.status is ComponentStatus.MAJOR_OUTAGE
    assert yesterday.downtime == timedelta(hours=1)
    assert result.bars[-1].status is ComponentStatus.OPERATIONAL
    assert 99.9 < result.percent < 100.0


def test_partial_outage_weighs_thirty_percent_and_spans_days():
    start = NOW - timedelta(days=2)
    result = uptime([(start, ComponentStatus.PARTIAL_OUTAGE)], now=NOW)
    assert [b.status for b in result.bars[-3:]] == [ComponentStatus.PARTIAL_OUTAGE] * 3
    assert result.bars[-2].downtime == timedelta(hours=24 * 0.3)


def test_history_older_than_the_window_sets_the_starting_status():
    result = uptime([(NOW - timedelta(days=200), ComponentStatus.DEGRADED_PERFORMANCE)], now=NOW)
    assert result.bars[0].status is ComponentStatus.DEGRADED_PERFORMANCE


def test_a_few_minutes_of_partial_outage_do_not_read_100_percent():
    start = NOW - timedelta(days=3)
    history = [
        (start, ComponentStatus.PARTIAL_OUTAGE),
        (start + timedelta(minutes=12, seconds=20), ComponentStatus.OPERATIONAL),
    ]
    result = uptime(history, now=NOW)
    assert f"{result.percent:.2f}" == "99.99"  # rounded, 99.9986 would print 100.00
    assert result.outage == timedelta(minutes=12, seconds=20)
    assert result.outage_minutes == 13


def _outage(hours: int):
    start = NOW - timedelta(days=3)
    return uptime(
        [
            (start, ComponentStatus.MAJOR_OUTAGE),
            (start + timedelta(hours=hours), ComponentStatus.OPERATIONAL),
        ],
        now=NOW,
    )


def test_the_percentage_moves_with_the_outage():
    one_hour, five_hours = _outage(1), _outage(5)
    assert one_hour.percent == 99.95  # 1 h of 89.5 days
    assert five_hours.percent == 99.76
    assert uptime([], now=NOW).outage_minutes == 0


def _reference_bars(history, now, days):
    """Every span against every day (how the bars were computed before they walked the spans)."""
    from tocsin.domain.uptime import _WEIGHT, _intervals

    start = datetime.combine(now.date() - timedelta(days=days - 1), datetime.min.time(), UTC)
    spans = _intervals(history, start, now)
    bars = []
    for offset in range(days):
        day_start = start + offset * timedelta(days=1)
        day_end = min(day_start + timedelta(days=1), now)
        statuses, down = [], 0.0
        for begin, end, status in spans:
            overlap = (min(end, day_end) - max(begin, day_start)).total_seconds()
            if overlap > 0:
                statuses.append(status)
                down += overlap * _WEIGHT.get(status, 0.0)
        bars.append((day_start.date(), worst(statuses), timedelta(seconds=round(down))))
    return bars


def test_a_long_history_gives_the_bars_of_every_span_against_every_day():
    rng = random.Random(3)
    now = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    statuses = list(ComponentStatus)
    history = sorted(
        (now - timedelta(minutes=rng.randrange(200 * 24 * 60)), rng.choice(statuses)) for _ in range(3000)
    )
    bars = [(b.day, b.status, b.downtime) for b in uptime(history, now=now, days=90).bars]
    assert bars == _reference_bars(history, now, 90)
