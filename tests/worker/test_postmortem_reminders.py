"""Post-mortem reminders reach the owner by the normal channels (a real SMTP server here):
24 h and 4 h before the deadline and when overdue; none once it is done; across a restart."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.paging_plan import drain, plan
from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents, postmortem

SOFIA = Actor("sofia", Role.RESPONDER)
ADMIN = Actor("root", Role.ADMIN)


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    return Settings.model_validate(plan(db_url, email=smtp))


def reminders(sink):
    return [(str(m["To"]), m["Subject"]) for m in sink.messages if "postmortem_due" in m["Subject"]]


def resolved_p1(container, clock):
    services = container.services
    created = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=SOFIA)
    incidents.acknowledge_incident(services, created.id, by=SOFIA)
    clock.advance(timedelta(minutes=30))
    incidents.resolve_incident(services, created.id, summary="restarted", by=SOFIA)
    drain(container)
    return created.id


def test_the_owner_is_reminded_24_h_and_4_h_before_and_when_overdue(container, sink, clock, settings):
    iid = resolved_p1(container, clock)
    assert reminders(sink) == []
    clock.advance(timedelta(hours=23, minutes=59))
    drain(container)
    assert reminders(sink) == []
    clock.advance(timedelta(minutes=1))
    drain(container)
    assert reminders(sink) == [
        ("Sofia Lambert <sofia@example.org>", f"[FYI] [P1] #{iid} Login fail — postmortem_due")
    ]
    mail = next(m for m in sink.messages if "postmortem_due" in m["Subject"])
    text = mail.get_body(("plain",)).get_content()
    assert "is due in 24h" in text
    assert "a root cause" in text

    clock.advance(timedelta(hours=20))
    restarted = bootstrap.build(settings, clock=clock)  # another process picks the durable timers up
    try:
        drain(restarted)
    finally:
        restarted.close()
    assert len(reminders(sink)) == 2
    clock.advance(timedelta(hours=4, seconds=1))
    drain(container)
    assert len(reminders(sink)) == 3
    assert [(pm.incident_id, inc.title) for pm, inc in postmortem.overdue(container.services, by=SOFIA)] == [
        (iid, "Login fail")
    ]
    drain(container)
    assert len(reminders(sink)) == 3  # each reminder once


def test_no_reminder_once_the_post_mortem_is_waived(container, sink, clock):
    iid = resolved_p1(container, clock)
    postmortem.waive(container.services, iid, reason="a drill", by=ADMIN)
    clock.advance(timedelta(hours=49))
    drain(container)
    assert reminders(sink) == []
    assert postmortem.overdue(container.services, by=SOFIA) == []


def test_a_reopened_incident_fences_the_old_reminders(container, sink, clock):
    iid = resolved_p1(container, clock)
    clock.advance(timedelta(hours=1))
    incidents.reopen_incident(container.services, iid, reason="back again", by=SOFIA)
    clock.advance(timedelta(hours=30))
    drain(container)
    assert reminders(sink) == []  # the first deadline's 24 h reminder is stale: it is not resolved
    incidents.resolve_incident(container.services, iid, by=SOFIA)
    pm = postmortem.view(container.services, iid, by=SOFIA).postmortem
    assert pm.due_at == clock.now() + timedelta(hours=48)
