"""Contact methods, personal rules and quiet hours: who is paged through what, and when."""

from datetime import UTC, datetime, time, timedelta

import pytest

from tocsin.domain.contacts import (
    DEFAULT_RULE,
    ContactMethod,
    Planned,
    QuietHours,
    RuleEntry,
    check_address,
    e164,
    page_time,
    plan,
    rules_end,
)
from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity

# 03:00 in Paris on a December night is 02:00 UTC.
NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
NOON = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
QUIET = QuietHours(time(22), time(7), "Europe/Paris")
VERIFIED = datetime(2026, 12, 1, tzinfo=UTC)
ALL = ("push", "email", "sms", "voice", "console")


def methods(**addresses: str) -> list[ContactMethod]:
    return [ContactMethod("nora", channel, address, VERIFIED) for channel, address in addresses.items()]


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("+32470123456", "+32470123456"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+1 (415) 555-0100", "+14155550100"),
    ],
)
def test_e164_numbers_are_normalised(written, expected):
    assert e164(written) == expected


@pytest.mark.parametrize("bad", ["0470123456", "+0470123456", "+32 abc", "+1234", "+3247012345678901"])
def test_a_number_that_is_not_e164_is_refused_naming_it(bad):
    with pytest.raises(InvalidInput, match=r"E\.164"):
        e164(bad)


def test_addresses_are_checked_per_channel():
    assert check_address("voice", "+32 470 12 34 56") == "+32470123456"
    with pytest.raises(InvalidInput, match="unknown channel 'pigeon'"):
        check_address("pigeon", "x")
    with pytest.raises(InvalidInput, match="ntfy topic"):
        check_address("push", "no spaces allowed")


def test_a_rule_entry_refuses_an_unknown_channel_or_a_negative_delay():
    with pytest.raises(InvalidInput, match="unknown channel 'fax'"):
        RuleEntry("fax", timedelta(0))
    with pytest.raises(InvalidInput, match="negative delay"):
        RuleEntry("sms", timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("at", "severity", "expected"),
    [
        (NIGHT, Severity.P0, NIGHT),  # 03:00 Paris, P0: at once
        (NIGHT, Severity.P1, NIGHT),
        (NIGHT, Severity.P2, datetime(2026, 12, 5, 6, 0, tzinfo=UTC)),  # 07:00 Paris
        (NIGHT, Severity.P3, datetime(2026, 12, 5, 6, 0, tzinfo=UTC)),
        (datetime(2026, 12, 4, 21, 30, tzinfo=UTC), Severity.P3, datetime(2026, 12, 5, 6, 0, tzinfo=UTC)),
        (datetime(2026, 12, 4, 20, 59, tzinfo=UTC), Severity.P3, datetime(2026, 12, 4, 20, 59, tzinfo=UTC)),
        (datetime(2026, 12, 5, 6, 0, tzinfo=UTC), Severity.P3, datetime(2026, 12, 5, 6, 0, tzinfo=UTC)),
        (NOON, Severity.P3, NOON),
    ],
)
def test_page_time_keeps_quiet_hours_only_for_p2_and_p3(at, severity, expected):
    assert page_time(at, severity, QUIET) == expected


def test_quiet_hours_within_one_day_and_in_summer_time():
    lunch = QuietHours(time(12), time(14), "Europe/Paris")
    july_noon_paris = datetime(2026, 7, 1, 10, 30, tzinfo=UTC)  # 12:30 CEST
    assert page_time(july_noon_paris, Severity.P3, lunch) == datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert page_time(july_noon_paris, Severity.P3, None) == july_noon_paris


def nora_plan(at, severity, *, rule=DEFAULT_RULE, quiet=QUIET, found=None, available=ALL):
    return plan(
        person_id="nora",
        email="nora@example.org",
        slack_user_id=None,
        methods=found
        if found is not None
        else methods(push="nora-pager", sms="+32470123456", voice="+32470123456"),
        rule=rule,
        quiet=quiet,
        severity=severity,
        at=at,
        available=available,
    )


def test_the_default_rule_pushes_and_mails_at_once_texts_after_2_minutes_calls_after_5():
    assert nora_plan(NOON, Severity.P1) == [
        Planned("push", "nora-pager", NOON),
        Planned("email", "nora@example.org", NOON),
        Planned("console", "nora", NOON),
        Planned("sms", "+32470123456", NOON + timedelta(minutes=2)),
        Planned("voice", "+32470123456", NOON + timedelta(minutes=5)),
    ]


def test_a_p0_at_3am_in_quiet_hours_goes_at_once_and_a_p3_waits_for_7am():
    p0 = nora_plan(NIGHT, Severity.P0, available=("sms", "voice"))
    assert [(p.channel, p.due_at) for p in p0] == [
        ("sms", NIGHT + timedelta(minutes=2)),
        ("voice", NIGHT + timedelta(minutes=5)),
    ]
    seven = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
    p3 = nora_plan(NIGHT, Severity.P3, available=("sms", "voice"))
    assert [(p.channel, p.due_at) for p in p3] == [("sms", seven), ("voice", seven)]


def test_unverified_methods_are_never_paged_and_missing_channels_are_skipped():
    found = [
        ContactMethod("nora", "sms", "+32470123456", None),  # code never entered
        ContactMethod("nora", "voice", "+32470123456", VERIFIED),
        ContactMethod("david", "push", "david-pager", VERIFIED),  # someone else's
    ]
    planned = nora_plan(NOON, Severity.P0, found=found, available=("push", "email", "sms", "voice"))
    assert [p.channel for p in planned] == ["email", "voice"]
    only_email = nora_plan(NOON, Severity.P0, available=("email",))
    assert [p.channel for p in only_email] == ["email"]  # tocsin has no Twilio/ntfy configured


def test_a_personal_rule_replaces_the_default_and_a_channel_goes_once():
    rule = (
        RuleEntry("sms", timedelta(0)),
        RuleEntry("voice", timedelta(minutes=1)),
        RuleEntry("sms", timedelta(minutes=10)),
    )
    planned = nora_plan(NOON, Severity.P0, rule=rule, available=("sms", "voice", "email"))
    assert [(p.channel, p.due_at) for p in planned] == [("sms", NOON), ("voice", NOON + timedelta(minutes=1))]
    assert rules_end(planned, NOON) == NOON + timedelta(minutes=1)
    assert rules_end([], NOON) == NOON
