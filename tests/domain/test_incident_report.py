"""The Incident Report's rendering: the plan's template lines in the report's time zone, across
midnight, with the curated timeline (first alert at startsAt, paging left out)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tocsin.domain import incident_report
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.postmortem import ActionItem, PostMortem, Why
from tocsin.domain.severity import Severity

T = datetime(2025, 11, 10, 22, 50, tzinfo=UTC)  # 23:50 in Brussels


def ev(n, event_kind, minutes, text, actor="rita", **data):
    return n, TimelineEvent(event_kind, T + timedelta(minutes=minutes), actor, text, data)


INCIDENT = Incident(
    id=IncidentId(7),
    title="Checkout down",
    summary="",
    severity=Severity.P0,
    phase=Phase.POST_INCIDENT,
    source="alertmanager:prom",
    detected_at=T + timedelta(minutes=1),
    declared_by="tocsin",
    ack_due_at=T + timedelta(minutes=16),
    response_time=timedelta(minutes=15),
    acknowledged_at=T + timedelta(minutes=6),
    acknowledged_by="rita",
    resolved_at=T + timedelta(minutes=40),
)
EVENTS = [
    ev(1, EventKind.DECLARED, 1, "Incident declared: P0", actor="tocsin", severity="P0"),
    ev(2, EventKind.ALERT_FIRED, 1, "Alert fired: CheckoutDown (P0): 5xx on /pay", actor="tocsin",
       starts_at=T.isoformat(), name="CheckoutDown", summary="5xx on /pay"),
    ev(3, EventKind.ESCALATED, 1, "Escalation step 1/1: role:cto → David", actor="tocsin"),
    ev(4, EventKind.NOTIFIED, 2, "Told David Peeters by email: opened", actor="tocsin"),
    ev(5, EventKind.ALERT_FIRED, 3, "Alert fired again: CheckoutDown (P0)", actor="tocsin"),
    ev(6, EventKind.ACKNOWLEDGED, 6, "Acknowledged by rita after 5m"),
    ev(7, EventKind.NOTE, 20, "Mitigation: rolled back to v1.4.1", kind="mitigation", note="rolled back"),
    ev(8, EventKind.RESOLVED, 40, "Resolved after 39m: payments flow again", summary="payments flow again"),
]  # fmt: skip


def test_a_report_in_brussels_time_across_midnight():
    pm = PostMortem(
        7,
        required=True,
        owner="rita",
        opened_at=T + timedelta(minutes=40),
        due_at=T + timedelta(hours=48, minutes=40),
        impact="every checkout failed",
        root_cause="a bad release",
        whys=(Why("Why did checkout fail?", "the release broke /pay"),),
        why_actions=(1,),
        action_items=(ActionItem(1, "Canary releases"),),
    )
    entries = incident_report.curate(EVENTS, pm)
    text = incident_report.render(INCIDENT, pm, entries, ZoneInfo("Europe/Brussels"))
    lines = text.splitlines()
    timeline = lines[lines.index("## Timeline") + 1 : lines.index("## Root Cause")]
    assert lines[:2] == ["# Incident Report - 2025-11-10", "**Severity**: P0"]
    assert timeline == [
        "- 23:50 - Alert fired: 5xx on /pay",
        "- 23:51 - Alert received: incident opened",  # a minute after startsAt: both are facts
        "- 23:56 - Incident acknowledged",
        "- 2025-11-11 00:10 - Mitigation: rolled back to v1.4.1",
        "- 2025-11-11 00:30 - Resolved: payments flow again",
    ]
    assert lines[2] == "**Duration**: 23:50 start → 2025-11-11 00:30 resolved (Europe/Brussels)"
    assert "## 5 Whys" in lines
    assert "Leads to: Canary releases" in lines


def test_an_unresolved_incident_without_post_mortem_still_renders():
    ongoing = INCIDENT.__class__(
        **{**{s: getattr(INCIDENT, s) for s in INCIDENT.__slots__}, "resolved_at": None}
    )
    text = incident_report.render(ongoing, None, incident_report.curate(EVENTS[:6], None), UTC)
    assert "**Duration**: 22:50 start → ongoing" in text
    assert "## Root Cause\nNot identified yet." in text
    assert "## Action Items\nNone yet." in text
