"""people.<id>.contact / rules / quiet_hours: validated, with errors naming the field."""

from datetime import time, timedelta

import pytest
from pydantic import ValidationError

from tocsin.config import Settings
from tocsin.config.paging import paging
from tocsin.domain.contacts import ATTESTED, DEFAULT_RULE, RuleEntry

NORA = {"name": "Nora Janssens", "email": "nora@example.org", "timezone": "Europe/Brussels"}


def with_nora(**extra):
    return Settings.model_validate({"people": {"nora": NORA | extra}})


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"contact": {"sms": "0470 12 34 56"}}, r"people\.nora\.contact\.sms", "not an E.164 phone number"),
        ({"contact": {"voice": "+32abc"}}, r"people\.nora\.contact\.voice", "not an E.164 phone number"),
        ({"contact": {"fax": "+3222"}}, r"people\.nora\.contact\.fax", "Extra inputs"),
        ({"rules": [{"channel": "pigeon"}]}, r"people\.nora\.rules\.0\.channel", "unknown channel 'pigeon'"),
        ({"rules": [{"channel": "sms", "after": -120}]}, r"people\.nora\.rules\.0\.after", "negative delay"),
        ({"quiet_hours": {"start": "22:00", "end": "7h"}}, r"people\.nora\.quiet_hours\.end", "not a time"),
    ],
)
def test_bad_contact_settings_name_the_field(extra, field, message):
    with pytest.raises(ValidationError, match=field) as caught:
        with_nora(**extra)
    assert message in str(caught.value)


def test_contact_rules_and_quiet_hours_reach_paging():
    settings = with_nora(
        contact={"sms": "+32 470 12 34 56", "push": "nora-pager", "verified": True},
        rules=[{"channel": "push", "after": "0m"}, {"channel": "sms", "after": "1m"}],
        quiet_hours={"start": "22:00", "end": "07:00"},
    )
    built = paging(settings)
    rule = built.rule_of("nora")
    assert rule.rule == (RuleEntry("push", timedelta(0)), RuleEntry("sms", timedelta(minutes=1)))
    assert (rule.quiet.start, rule.quiet.end, rule.quiet.timezone) == (time(22), time(7), "Europe/Brussels")
    assert {(m.channel, m.address, m.verified_at) for m in built.contacts} == {
        ("push", "nora-pager", ATTESTED),
        ("sms", "+32470123456", ATTESTED),
    }
    assert built.rule_of("ghost").rule == DEFAULT_RULE


def test_unattested_methods_wait_for_a_code_and_no_rule_means_the_default():
    built = paging(with_nora(contact={"voice": "+32470123456"}))
    [voice] = built.contacts
    assert voice.verified_at is None
    assert voice.source == "config"
    assert built.rule_of("nora").rule == DEFAULT_RULE
    assert built.rule_of("nora").quiet is None
