from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tocsin.domain.duration import format_duration, parse_duration
from tocsin.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("1h", timedelta(hours=1)),
        ("4h", timedelta(hours=4)),
        ("24h", timedelta(hours=24)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("2d", timedelta(days=2)),
        ("90", timedelta(seconds=90)),
        (90, timedelta(seconds=90)),
        ("72H", timedelta(hours=72)),
    ],
)
def test_parses_the_plans_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "soon",
        "",
        "1x",
        "h1",
        "-5m",
        "1.5h",
        True,
        -3,
        "1h 1h",
        float("inf"),
        float("nan"),
        10**20,
        "9999999d",
    ],
)
def test_rejects_what_is_not_a_duration_and_says_how_to_write_one(text):
    with pytest.raises(InvalidInput, match="duration"):
        parse_duration(text)


def test_formats_for_people():
    assert format_duration(timedelta(minutes=90)) == "1h 30m"
    assert format_duration(timedelta(0)) == "0s"
    assert format_duration(timedelta(minutes=-5)) == "-5m"
    assert format_duration(timedelta(hours=48)) == "48h"


@given(st.integers(min_value=0, max_value=366 * 86400))
def test_format_then_parse_is_identity(seconds):
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value
