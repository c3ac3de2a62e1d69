"""The 72 h clock of a personal-data breach runs on durable jobs: reminders at 24, 48, 60 and
68 h reach the security role and the DPO through a real SMTP server, the CTO is told once the
deadline passes without a notification, and a new worker process picks the timers up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.paging_plan import drain, plan
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.breach import Assessment, Method, NoticeKind, Risk, State
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents
from tocsin.services.security import breaches

SAM = Actor("sam", Role.SECURITY)


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    values = plan(db_url, email=smtp)
    values["roles"]["security"] = {"name": "Security", "members": ["nora"]}
    values["gdpr"] = {"dpo": "ines"}
    return Settings.model_validate(values)


def reminders(sink):
    return sorted(
        (str(m["To"]), m.get_body(("plain",)).get_content())
        for m in sink.messages
        if "breach_due" in m["Subject"]
    )


def recipients(sink):
    return sorted(str(m["To"]) for m in sink.messages if "breach_due" in m["Subject"])


def declare_breach(container, risk=Risk.HIGH):
    svc = container.services
    incident = incidents.declare_incident(svc, title="Customer table dumped", severity=Severity.P0, by=SAM)
    flags.mark_security_incident(svc, incident.id, reason="dump on a forum", by=SAM)
    view = breaches.assess_breach(svc, incident.id, Assessment(risk=risk, subjects_approx=1200), by=SAM)
    drain(container)
    return incident.id, view


NORA = "Nora Janssens <nora@example.org>"
INES = "Inès Moreau <ines@example.org>"
DAVID = "David Peeters <david@example.org>"


def test_reminders_on_schedule_then_the_cto_when_overdue_across_a_restart(container, sink, clock, settings):
    iid, view = declare_breach(container)
    t0 = clock.now()
    assert view.clock.notify_by == t0 + timedelta(hours=72)
    assert view.clock.headline == "Notify CNIL by 2026-11-30 10:00 UTC"
    assert view.clock.state is State.NOTIFICATION_DUE
    clock.advance(timedelta(hours=23, minutes=59))
    drain(container)
    assert reminders(sink) == []
    clock.advance(timedelta(minutes=1))  # 24 h
    drain(container)
    assert recipients(sink) == [INES, NORA]
    text = reminders(sink)[0][1]
    assert "Notify CNIL by 2026-11-30 10:00 UTC — 48 h 00 min left" in text
    assert "Customer table dumped" not in text  # the mail names no detail of the incident

    clock.advance(timedelta(hours=24))  # 48 h, in another process
    restarted = bootstrap.build(settings, clock=clock)
    try:
        drain(restarted)
    finally:
        restarted.close()
    assert len(recipients(sink)) == 4
    clock.advance(timedelta(hours=12))  # 60 h
    drain(container)
    clock.advance(timedelta(hours=8))  # 68 h
    drain(container)
    assert len(recipients(sink)) == 8
    assert DAVID not in recipients(sink)

    clock.advance(timedelta(hours=4))  # exactly 72 h: still due, not overdue
    drain(container)
    assert breaches.view_breach(container.services, iid, by=SAM).clock.state is State.NOTIFICATION_DUE
    assert len(recipients(sink)) == 8
    clock.advance(timedelta(seconds=1))  # past 72 h
    drain(container)
    assert breaches.view_breach(container.services, iid, by=SAM).clock.state is State.OVERDUE
    assert recipients(sink).count(DAVID) == 1
    overdue = [body for to, body in reminders(sink) if to == DAVID]
    assert len(overdue) == 1
    assert "the 72 h to notify CNIL ended at 2026-11-30 10:00 UTC" in overdue[0]
    timeline = [e.text for e in incidents.get_timeline(container.services, iid, by=SAM)]
    assert any(t.startswith("GDPR reminder (24h after awareness) to Nora Janssens") for t in timeline)
    assert any(
        t.startswith("GDPR deadline passed at ") and "UTC without notifying CNIL: escalated to" in t
        for t in timeline
    )
    drain(container)
    assert len(recipients(sink)) == 11  # each reminder once


def test_no_reminder_once_notified_and_none_for_a_breach_without_risk(container, sink, clock):
    iid, _ = declare_breach(container)
    clock.advance(timedelta(hours=10))
    breaches.record_notification(
        container.services,
        iid,
        kind=NoticeKind.INITIAL,
        method=Method.ONLINE_FORM,
        reference="CNIL-42",
        by=SAM,
    )
    quiet, _ = declare_breach(container, risk=Risk.NONE)
    clock.advance(timedelta(hours=80))
    drain(container)
    assert reminders(sink) == []
    assert breaches.view_breach(container.services, iid, by=SAM).clock.state is State.NOTIFIED
    assert breaches.view_breach(container.services, quiet, by=SAM).clock.state is State.NOT_REQUIRED


def test_moving_aware_at_earlier_moves_the_timers(container, sink, clock):
    iid, _ = declare_breach(container)
    clock.advance(timedelta(hours=2))
    earlier = clock.now() - timedelta(hours=30)  # became aware 28 h before the record
    view = breaches.assess_breach(
        container.services, iid, Assessment(risk=Risk.HIGH), aware_at=earlier, by=SAM
    )
    assert view.clock.notify_by == earlier + timedelta(hours=72)
    drain(container)
    assert reminders(sink) == []  # the 24 h reminder of the new aware_at is already past: not sent late
    clock.advance(timedelta(hours=18))  # 48 h after the new aware_at; 20 h after the old one
    drain(container)
    assert recipients(sink) == [INES, NORA]
    assert "48h since the breach became known" in reminders(sink)[0][1]
