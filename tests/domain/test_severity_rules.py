import pytest

from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity
from tocsin.domain.severity_rules import MEMO_SIZE, Op, SeverityRules, default_rules, parse_matcher, rule

P0, P1, P2, P3 = Severity


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({"severity": "critical", "component": "database"}, P0),
        ({"severity": "critical", "component": "application"}, P0),
        ({"severity": "critical", "component": "storage"}, P0),
        ({"severity": "critical", "component": "system"}, P1),
        ({"severity": "critical", "component": "backup"}, P1),
        ({"severity": "critical", "component": "container"}, P3),  # the plan's rules say nothing
        ({"severity": "warning", "component": "container"}, P2),
        ({"severity": "warning"}, P2),
        ({"severity": "info", "component": "backup"}, P3),
        ({"alertname": "UserReportedIssue"}, P3),
        ({"severity": "P1"}, P1),
        ({"severity": "p0"}, P0),
        ({}, P3),
    ],
)
def test_the_plan_defaults(labels, expected):
    assert default_rules().classify(labels) is expected


PLAN_TABLE = [
    ({"severity": "critical", "component": "database"}, P0),
    ({"severity": "critical", "component": "system"}, P1),
    ({"severity": "critical", "component": "container"}, P3),
    ({"severity": "warning"}, P2),
    ({"severity": "p0"}, P0),
    ({"severity": "P0 "}, P3),
    ({}, P3),
]


def test_one_rule_set_decides_each_alert_on_its_own_labels():
    """The decisions a rule set keeps never leak into an alert whose rule labels differ, and
    labels no rule reads (instance, pod) never change a decision."""
    rules = default_rules()
    for round_ in range(3):
        for labels, expected in PLAN_TABLE:
            noisy = {**labels, "instance": f"host-{round_}", "alertname": "X"}
            assert rules.classify(noisy) is expected
            assert rules.classify(labels) is expected


def test_a_full_memo_starts_over_and_still_decides():
    rules = SeverityRules((rule(P0, ['team="db"']), rule(P1, ['team=~"web.*"'])), fallback=P2)
    for i in range(MEMO_SIZE + 10):
        assert rules.classify({"team": f"web{i}"}) is P1
        assert rules.classify({"team": f"x{i}"}) is P2
    assert rules.classify({"team": "db"}) is P0


@pytest.mark.parametrize(
    ("text", "labels", "matches"),
    [
        ('env="prod"', {"env": "prod"}, True),
        ("env=prod", {"env": "prod"}, True),
        ('env!="prod"', {"env": "dev"}, True),
        ('env!="prod"', {}, True),
        ('env=~"pro.*"', {"env": "production"}, True),
        ('env=~"prod"', {"env": "production"}, False),  # anchored, as in Alertmanager
        ('env!~"dev|test"', {"env": "prod"}, True),
        ('env=""', {}, True),
        (r'msg="a \"quoted\" word"', {"msg": 'a "quoted" word'}, True),
    ],
)
def test_matchers(text, labels, matches):
    assert parse_matcher(text).matches(labels) is matches


def test_first_matching_rule_wins_and_fallback():
    rules = SeverityRules((rule(P1, ['team="db"']), rule(P0, ['team="db"', 'env="prod"'])), fallback=P2)
    assert rules.classify({"team": "db", "env": "prod"}) is P1
    assert rules.classify({"team": "web"}) is P2


@pytest.mark.parametrize("text", ["", "env", "=x", 'env=~"("', "1x=2", 'env="unterminated'])
def test_bad_matchers_are_refused(text):
    with pytest.raises(InvalidInput):
        parse_matcher(text)


def test_matcher_round_trips_as_text():
    matcher = parse_matcher('component=~"db|api"')
    assert matcher.op is Op.MATCH
    assert str(matcher) == 'component=~"db|api"'


def test_a_source_gives_each_alert_its_rule_severity_and_keeps_everything_else():
    """``SourcePolicy.classify`` copies alerts field by field: every field of ``Alert`` must be
    carried over (a new field fails here until ``with_severity`` carries it)."""
    from dataclasses import fields, replace
    from datetime import UTC, datetime

    from tocsin.domain.alert import Alert, AlertStatus, Notification
    from tocsin.domain.source import SourceKind, SourcePolicy, with_severity

    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    alert = Alert(
        "ab12",
        AlertStatus.RESOLVED,
        {"severity": "critical", "component": "database"},
        {"summary": "down"},
        at,
        ends_at=at,
        generator_url="http://prom/graph",
        severity=P3,
    )
    assert [f.name for f in fields(Alert)] == [
        "fingerprint",
        "status",
        "labels",
        "annotations",
        "starts_at",
        "ends_at",
        "generator_url",
        "severity",
    ]
    assert with_severity(alert, P1) == replace(alert, severity=P1)
    policy = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)
    warning = replace(alert, labels={"severity": "warning"}, severity=P2)  # already P2: kept as is
    n = Notification(source="prom", group_key="g", alerts=(alert, warning))
    classified = policy.classify(n)
    assert classified.alerts == (replace(alert, severity=P0), warning)
    assert policy.classify(classified) is classified  # nothing to change: the same notification
