from dataclasses import replace

import pytest

from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Plan, Severity

from .conftest import a_plan


def test_p0_is_the_most_severe():
    assert sorted(Severity, key=lambda s: s.rank) == [Severity.P0, Severity.P1, Severity.P2, Severity.P3]


@pytest.mark.parametrize(
    ("text", "expected"), [("P1", Severity.P1), ("p0", Severity.P0), (" P3 ", Severity.P3)]
)
def test_parse_accepts_any_case(text, expected):
    assert Severity.parse(text) is expected


def test_parse_names_the_allowed_values():
    with pytest.raises(InvalidInput, match="allowed values are P0, P1, P2, P3"):
        Severity.parse("P5")


def test_a_plan_must_cover_every_severity():
    plan = a_plan()
    with pytest.raises(InvalidInput, match="no level for P3"):
        Plan(
            levels=plan.levels[:3],
            gdpr_authority="CNIL",
            gdpr_notification_deadline=plan.gdpr_notification_deadline,
        )


def test_label_reads_like_the_plan(plan):
    assert plan.level(Severity.P1).label == "P1 (High)"
    assert replace(plan.level(Severity.P0), name="Critique").label == "P0 (Critique)"
