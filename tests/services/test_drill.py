"""``services.drill.drill``: the plan's example incident played through intake, the use cases and the
real worker handlers, on a staffed plan with e-mail (a real SMTP sink) and the status page on."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.paging_plan import plan
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict
from tocsin.domain.events import EventKind
from tocsin.domain.lifecycle import Phase
from tocsin.domain.postmortem import Status
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.drill import drill
from tocsin.services.incidents import compliance, incidents, postmortem
from tocsin.services.statuspage import statuspage
from tocsin.worker.runner import Worker

SOFIA = Actor("sofia", Role.RESPONDER)


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    config = plan(db_url, email=smtp)
    config["statuspage"] = {
        "enabled": True,
        "components": {"api": {"name": "API"}},
        "customer_email": {"mode": "send", "affected_users": ["ops@customer.example"]},
    }
    return Settings.model_validate(config)


def driver(container, timeout=5.0):
    return drill.Driver(Worker(container).run_once, time.monotonic, time.sleep, timeout=timeout, poll=0.05)


def test_the_plan_example_runs_from_alert_to_closed_post_mortem(container, services, sink):
    run = drill.run(services, driver(container), by=SOFIA)

    assert [s.name for s in run.steps] == [
        "alert",
        "acknowledge",
        "triage",
        "root_cause",
        "mitigation",
        "resolve",
        "postmortem",
        "close",
    ]
    assert run.ok
    assert run.closed
    assert run.title == "[DRILL] APIHighLatency: API P99 > 5s"
    checks = {c.integration: c for c in run.checks}
    assert checks["email"].answered
    assert checks["email"].expected
    assert "publishing refused" in checks["statuspage"].detail
    assert not checks["slack"].expected
    assert "not configured" in checks["slack"].detail
    # the e-mails the SMTP server accepted say DRILL first, pages and FYIs alike
    subjects = [m["Subject"] for m in sink.messages]
    assert subjects
    assert all(s.startswith("[DRILL] ") for s in subjects)
    assert any("[PAGE] [P1]" in s for s in subjects)
    assert "DRILL: an exercise" in sink.messages[0].get_body(("plain",)).get_content()
    # the Incident Report: the plan's timeline, root cause and action items
    assert run.report.startswith("# Incident Report - ")
    assert "[DRILL]" in run.report.splitlines()[0]
    for line in (
        "Alert fired: API P99 > 5s",
        "Incident acknowledged",
        "Root cause identified: DB connection pool exhausted",
        "Mitigation: Restarted API service",
        "Resolved: Latency back to normal",
        "Database connection pool size (10) insufficient under peak load.",
        "- [ ] Increase connection pool to 20",
        "- [ ] Add alert for connection pool usage > 80%",
        "- [ ] Load test with realistic traffic",
    ):
        assert line in run.report
    incident = incidents.get_incident(services, run.incident_id, by=SOFIA)
    assert incident.drill
    assert incident.phase is Phase.CLOSED
    view = postmortem.view(services, run.incident_id, by=SOFIA)
    assert view.postmortem is not None
    assert view.postmortem.status is Status.COMPLETE


def test_keep_leaves_the_drill_unclosed_with_its_post_mortem_draft(container, services):
    run = drill.run(services, driver(container), severity=Severity.P2, keep=True, by=SOFIA)
    assert not run.closed
    assert [s.name for s in run.steps][-1] == "postmortem"
    incident = incidents.get_incident(services, run.incident_id, by=SOFIA)
    assert incident.phase is Phase.POST_INCIDENT
    assert incident.severity is Severity.P2
    pm = postmortem.view(services, run.incident_id, by=SOFIA).postmortem
    assert pm is not None
    assert pm.status is Status.DRAFT
    assert len(pm.action_items) == 3


def test_the_status_page_refuses_a_drill_and_keeps_its_draft_private(container, services):
    run = drill.run(services, driver(container), keep=True, by=SOFIA)
    with pytest.raises(Conflict, match="is a drill: the public status page never publishes a drill"):
        statuspage.post_status_update(services, run.incident_id, status=UpdateStatus.IDENTIFIED, by=SOFIA)
    public = statuspage.public_status(services, run.incident_id, by=SOFIA)
    assert public is not None
    assert not public.published
    kinds = [e.kind for e in incidents.get_timeline(services, run.incident_id, by=SOFIA)]
    assert EventKind.STATUS_POSTED not in kinds
    assert EventKind.CUSTOMER_EMAIL not in kinds


def test_no_customer_hears_of_a_drill_even_past_the_hour(container, services, clock, sink):
    run = drill.run(services, driver(container), keep=True, by=SOFIA)
    clock.advance(timedelta(hours=2))
    Worker(container).run_once()
    assert not [m for m in sink.messages if "ops@customer.example" in str(m["To"])]
    kinds = [e.kind for e in incidents.get_timeline(services, run.incident_id, by=SOFIA)]
    assert EventKind.CUSTOMER_EMAIL not in kinds


def test_an_smtp_server_that_does_not_answer_fails_the_email_check(container, services, sink):
    sink.stop()
    run = drill.run(services, driver(container, timeout=0.5), by=SOFIA)
    assert not run.ok
    (email,) = [c for c in run.checks if c.integration == "email"]
    assert not email.answered
    assert email.detail == "no answer within 0.5 s"
    assert run.closed  # the steps still ran: the drill says what failed, it does not stop half-way


def test_drills_stay_out_of_the_figures_and_are_listed_apart(container, services, clock):
    start = clock.now() - timedelta(minutes=1)
    real = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=SOFIA)
    clock.advance(timedelta(minutes=30))
    incidents.acknowledge_incident(services, real.id, by=SOFIA)
    run = drill.run(services, driver(container), keep=True, by=SOFIA)  # acknowledged at once
    report = compliance.period_report(services, start=start, end=clock.now() + timedelta(minutes=1), by=SOFIA)
    assert [r.incident.id for r in report.rows] == [real.id]
    assert [r.incident.id for r in report.drills] == [run.incident_id]
    (p1,) = [f for f in report.figures if f.severity is Severity.P1]
    assert p1.incidents == 1
    assert p1.mtta_seconds == 30 * 60


def test_a_viewer_may_not_run_a_drill(container, services):
    from tocsin.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        drill.run(services, driver(container), by=Actor("victor", Role.VIEWER))
