"""What an alert-opened incident is called and how severe it starts: the leading alert, the
title cut, and the declaration absorbed with its alerts in one change (table-driven)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.domain.conftest import T0
from tocsin.domain import grouping, incident_title
from tocsin.domain.alert import Alert, AlertStatus, Notification
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity
from tocsin.domain.severity_rules import parse_matcher
from tocsin.domain.source import SourceKind, SourcePolicy
from tocsin.domain.text import MAX_TEXT, MAX_TITLE

P0, P1, P2, P3 = Severity.P0, Severity.P1, Severity.P2, Severity.P3
PROM = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER)


def alert(
    fp: str, severity: Severity = P3, *, firing: bool = True, name: str | None = None, **annotations: str
) -> Alert:
    return Alert(
        fingerprint=fp,
        status=AlertStatus.FIRING if firing else AlertStatus.RESOLVED,
        labels={"alertname": fp.upper() if name is None else name},
        annotations=annotations,
        starts_at=T0 - timedelta(minutes=5),
        ends_at=None if firing else T0,
        severity=severity,
    )


@pytest.mark.parametrize(
    ("alerts", "leader"),
    [
        ([alert("a", P2)], "a"),
        ([alert("a", P3), alert("b", P1), alert("c", P2)], "b"),  # the most severe
        ([alert("a", P1), alert("b", P1)], "a"),  # the first of equals
        ([alert("a", P0, firing=False), alert("b", P2)], "b"),  # resolved alerts never lead
        ([alert("a", P3), alert("b", P0, firing=False), alert("c", P3)], "a"),
    ],
)
def test_the_most_severe_firing_alert_leads(alerts, leader):
    assert incident_title.lead(alerts).fingerprint == leader


LONG = "x" * (MAX_TITLE + 50)


@pytest.mark.parametrize(
    ("name", "annotations", "title", "summary"),
    [
        ("DiskFull", {"summary": "disk 95% full"}, "DiskFull: disk 95% full", "disk 95% full"),
        ("DiskFull", {}, "DiskFull", ""),
        ("  Disk \n Full ", {"summary": " a \t b "}, "Disk Full: a b", "a \t b"),  # white space runs
        ("DiskFull", {"summary": "s", "description": " long words "}, "DiskFull: s", "long words"),
        ("", {}, "fp", ""),  # no name at all: the fingerprint
        (LONG, {}, LONG[: MAX_TITLE - 1] + "…", ""),  # cut, with an ellipsis, to the limit
        (
            "A",
            {"summary": "y" * (MAX_TEXT + 9)},
            ("A: " + "y" * MAX_TITLE)[: MAX_TITLE - 1] + "…",
            "y" * MAX_TEXT,
        ),
    ],
)
def test_the_title_is_the_leading_alerts_name_and_summary_cut_to_the_limit(name, annotations, title, summary):
    lead = alert("fp", name=name, **annotations)
    assert incident_title.title_of(lead) == (title, summary)
    assert len(incident_title.title_of(lead)[0]) <= MAX_TITLE


def notification(*alerts: Alert) -> Notification:
    return Notification(source="prom", group_key='{}:{alertname="X"}', alerts=alerts)


@pytest.mark.parametrize(
    ("alerts", "severity", "events"),
    [
        ((alert("a", P2),), P2, ["declared", "alert_fired"]),
        ((alert("a", P3), alert("b", P1)), P1, ["declared", "alert_fired", "alert_fired"]),
        # a resolved alert never leads, but the incident is as severe as its most severe alert
        (
            (alert("a", P2), alert("b", P0, firing=False)),
            P0,
            ["declared", "alert_fired", "alert_resolved", "severity_changed"],
        ),
    ],
)
def test_opening_is_one_change_declaration_then_its_alerts(plan, alerts, severity, events):
    opening = grouping.open_group(IncidentId(7), notification(*alerts), PROM, at=T0, plan=plan)
    change = opening.intake.change

    assert change.incident.id == IncidentId(7)
    assert change.incident.severity is severity
    assert not change.incident.security
    assert [e.kind.value for e in change.events] == events
    # the response clock, once: the one of the incident as it ends up
    [timer] = change.jobs
    assert timer.kind.value == "sla.ack_deadline"
    assert timer.due_at == change.incident.ack_due_at
    assert {row.fingerprint for row in opening.intake.rows} == {a.fingerprint for a in alerts}
    assert opening.intake.group.alert_severity is severity


def test_a_source_that_flags_security_opens_a_restricted_incident(plan):
    policy = SourcePolicy(name="prom", kind=SourceKind.ALERTMANAGER, security=(parse_matcher('team="sec"'),))
    flagged = Alert(
        fingerprint="s",
        status=AlertStatus.FIRING,
        labels={"alertname": "Leak", "team": "sec"},
        annotations={},
        starts_at=T0,
        severity=P1,
    )
    opening = grouping.open_group(IncidentId(8), notification(alert("a"), flagged), policy, at=T0, plan=plan)
    assert opening.intake.change.incident.security
    assert opening.intake.change.incident.title == "Leak"


@pytest.mark.parametrize(
    ("labels", "fallback", "severity"),
    [
        ({"severity": "critical", "component": "database"}, P3, P0),  # the plan's rules
        ({"severity": "warning"}, P3, P2),
        ({"team": "web"}, P3, P3),  # no rule matches: the source's fallback
        ({"team": "web"}, P1, P1),
    ],
)
def test_a_source_classifies_each_alert_with_its_rules_before_grouping(labels, fallback, severity):
    from tocsin.domain.severity_rules import SeverityRules, default_rules

    policy = SourcePolicy(
        name="prom", kind=SourceKind.ALERTMANAGER, rules=SeverityRules(default_rules().rules, fallback)
    )
    raw = Alert(
        fingerprint="f", status=AlertStatus.FIRING, labels=labels, annotations={}, starts_at=T0, severity=P0
    )
    [classified] = policy.classify(notification(raw)).alerts
    assert classified.severity is severity
