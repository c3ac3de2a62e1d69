"""Timers across a restart: tocsin stopped while a deadline passed. On the way back every
overdue timer fires at once (in a new process: another container over the same database) and
its timeline line says how late; what is recorded is when the deadline passed, not when it was
noticed. Response time, escalation step, the > 1 h customer email, post-mortem and GDPR
reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.paging_plan import drain, plan
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM, Actor, Role
from tocsin.domain.breach import Assessment, Risk
from tocsin.domain.events import EventKind
from tocsin.domain.severity import Severity
from tocsin.services.incidents import flags, incidents
from tocsin.services.security import breaches

LATE = "fired 33 s late: tocsin was not running"
SAM = Actor("sam", Role.SECURITY)
SOFIA = Actor("sofia", Role.RESPONDER)


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    values = plan(db_url, email=smtp)
    values["roles"]["security"] = {"name": "Security", "members": ["nora"]}
    values["statuspage"] = {
        "enabled": True,
        "customer_email": {"mode": "send", "affected_users": ["ops@c.example"]},
    }
    return Settings.model_validate(values)


@pytest.fixture
def restart_and_drain(settings, clock):
    """tocsin comes back: a new container (a new process) over the same database; it runs the
    due jobs, and its services are returned (closed after the test)."""
    built = []

    def restart():
        restarted = bootstrap.build(settings, clock=clock)
        built.append(restarted)
        drain(restarted)
        return restarted.services

    yield restart
    for restarted in built:
        restarted.close()


def events(services, incident_id, kind, by=SYSTEM):
    return [e for e in incidents.get_timeline(services, incident_id, by=by) if e.kind is kind]


def test_a_response_time_and_escalation_due_while_tocsin_was_down_fire_late_and_say_so(
    container, clock, restart_and_drain
):
    incident = incidents.declare_incident(
        container.services, title="API down", severity=Severity.P1, by=SYSTEM
    )
    drain(container)
    container.close()  # tocsin stops; the deadline passes while nothing runs
    clock.set(incident.ack_due_at + timedelta(seconds=33))

    services = restart_and_drain()

    stored = incidents.get_incident(services, incident.id, by=SYSTEM)
    assert stored.sla_breached_at == incident.ack_due_at  # when the deadline passed, not clock.now()
    [breach] = events(services, incident.id, EventKind.SLA_BREACHED)
    assert breach.text.endswith(f"due {incident.ack_due_at:%H:%M} UTC ({LATE})")
    assert breach.at == clock.now()
    assert breach.data["fired_late_seconds"] == 33
    # the step-2 timer (due with the deadline) fired late as well, once, in the new process
    steps = events(services, incident.id, EventKind.ESCALATED)
    assert [e.data["step"] for e in steps] == [1, 2]
    assert steps[1].text.endswith(LATE)
    assert steps[1].data["due_at"] == incident.ack_due_at.isoformat()
    assert "late" not in steps[0].text


def test_on_time_timers_say_nothing_of_lateness(container, clock):
    incident = incidents.declare_incident(
        container.services, title="API down", severity=Severity.P1, by=SYSTEM
    )
    clock.set(incident.ack_due_at + timedelta(seconds=1))
    drain(container)
    [breach] = events(container.services, incident.id, EventKind.SLA_BREACHED)
    assert "late" not in breach.text
    assert "fired_late_seconds" not in breach.data
    assert (
        incidents.get_incident(container.services, incident.id, by=SYSTEM).sla_breached_at
        == incident.ack_due_at
    )


def test_the_customer_email_timer_fires_late_after_a_restart(container, clock, restart_and_drain, sink):
    incident = incidents.declare_incident(
        container.services, title="Checkout down", severity=Severity.P1, by=SYSTEM
    )
    incidents.acknowledge_incident(container.services, incident.id, by=SOFIA)
    drain(container)
    container.close()
    clock.set(incident.detected_at + timedelta(hours=1, minutes=5))

    services = restart_and_drain()

    [email] = events(services, incident.id, EventKind.CUSTOMER_EMAIL)
    assert email.text.startswith("Customer email (> 1 h) sent to 1 recipient(s)")
    assert email.text.endswith("(fired 5 min late: tocsin was not running)")
    assert [m["To"] for m in sink.messages if m["To"] == "ops@c.example"] == ["ops@c.example"]


def test_a_post_mortem_reminder_due_during_the_outage_fires_late(container, clock, restart_and_drain):
    incident = incidents.declare_incident(
        container.services, title="Login fail", severity=Severity.P1, by=SOFIA
    )
    incidents.acknowledge_incident(container.services, incident.id, by=SOFIA)
    clock.advance(timedelta(minutes=30))
    incidents.resolve_incident(container.services, incident.id, summary="restarted", by=SOFIA)
    drain(container)
    resolved_at = clock.now()
    container.close()
    clock.set(resolved_at + timedelta(hours=26))  # the 24 h-before reminder was due at +24 h

    services = restart_and_drain()

    [reminder] = [
        e for e in events(services, incident.id, EventKind.POSTMORTEM) if e.data.get("action") == "reminder"
    ]
    assert reminder.text.startswith("Post-mortem reminder (24h) to Sofia Lambert")
    assert reminder.text.endswith("(fired 2 h late: tocsin was not running)")


def test_gdpr_timers_fired_late_record_when_the_deadline_passed(container, clock, restart_and_drain):
    svc = container.services
    incident = incidents.declare_incident(svc, title="Customer table dumped", severity=Severity.P0, by=SAM)
    flags.mark_security_incident(svc, incident.id, reason="dump on a forum", by=SAM)
    view = breaches.assess_breach(svc, incident.id, Assessment(risk=Risk.HIGH, subjects_approx=1200), by=SAM)
    drain(container)
    for at in (timedelta(hours=24), timedelta(hours=48), timedelta(hours=60), timedelta(hours=68)):
        clock.set(view.clock.aware_at + at)
        drain(container)
    container.close()
    clock.set(view.clock.notify_by + timedelta(hours=3))  # the 72 h ran out while tocsin was down

    services = restart_and_drain()

    [overdue] = [
        e
        for e in events(services, incident.id, EventKind.BREACH, by=SAM)
        if e.data.get("action") == "overdue"
    ]
    assert overdue.text.startswith("GDPR deadline passed at 2026-11-30 10:00 UTC without notifying CNIL")
    assert overdue.text.endswith("(fired 2 h 59 min late: tocsin was not running)")
    assert overdue.data["deadline_passed_at"] == view.clock.notify_by.isoformat()
    reminders = [
        e
        for e in events(services, incident.id, EventKind.BREACH, by=SAM)
        if e.data.get("action") == "reminder"
    ]
    assert len(reminders) == 4
    assert not any("late" in e.text for e in reminders)  # those ran on time
