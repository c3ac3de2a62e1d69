"""The plan-compliance checklist of a compliant and of a non-compliant P1, and the period's
MTTA/MTTR figures, on a staffed plan with the status page on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.paging_plan import drain, plan
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.compliance import Verdict
from tocsin.domain.errors import InvalidInput
from tocsin.domain.postmortem import ActionItem, RunbookUpdate, Why
from tocsin.domain.severity import Severity
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.incidents import compliance, incidents, postmortem
from tocsin.services.incidents.postmortem_edit import Edit
from tocsin.services.statuspage import statuspage

SOFIA = Actor("sofia", Role.RESPONDER)


@pytest.fixture
def settings(db_url, sink):
    smtp = {"enabled": True, "host": "127.0.0.1", "port": sink.port, "sender": "tocsin@example.org"}
    config = plan(db_url, email=smtp)
    config["statuspage"] = {
        "enabled": True,
        "customer_email": {"mode": "send", "affected_users": ["ops@customer.example"]},
    }
    return Settings.model_validate(config)


def verdicts(row):
    return {c.key: c.verdict for c in row.checks}


def finish_postmortem(services, iid):
    edit = Edit(
        root_cause="pool too small",
        action_items=(ActionItem(0, "Raise the pool"),),
        whys=(Why("Why slow?", "pool exhausted"),),
        why_actions=(1,),
        runbooks=(RunbookUpdate("https://runbooks.example.org/db", "DB", done=True),),
    )
    postmortem.edit(services, iid, edit, by=SOFIA)
    postmortem.complete(services, iid, by=SOFIA)


def test_a_compliant_and_a_non_compliant_p1(container, services, clock):
    start = clock.now()
    good = incidents.declare_incident(services, title="Login fail", severity=Severity.P1, by=SOFIA)
    drain(container)
    clock.advance(timedelta(minutes=10))
    incidents.acknowledge_incident(services, good.id, by=SOFIA)
    clock.advance(timedelta(minutes=2))
    statuspage.post_status_update(services, good.id, status=UpdateStatus.INVESTIGATING, by=SOFIA)
    clock.advance(timedelta(minutes=18))
    incidents.resolve_incident(services, good.id, summary="pool raised", by=SOFIA)
    clock.advance(timedelta(hours=20))
    finish_postmortem(services, good.id)
    row = compliance.incident_compliance(services, good.id, by=SOFIA)
    assert verdicts(row) == {
        "acknowledged": Verdict.MET,
        "escalated": Verdict.MET,
        "github": Verdict.NA,
        "status_page": Verdict.MET,
        "customer_email": Verdict.NA,  # resolved within the hour
        "postmortem": Verdict.MET,
        "runbooks": Verdict.MET,
    }
    assert row.score == 100
    assert (
        next(c for c in row.checks if c.key == "status_page").detail == "first update 12 min after detection"
    )

    bad = incidents.declare_incident(services, title="Payments stuck", severity=Severity.P1, by=SOFIA)
    clock.advance(timedelta(hours=2))
    incidents.acknowledge_incident(services, bad.id, by=SOFIA)
    clock.advance(timedelta(hours=1))
    incidents.resolve_incident(services, bad.id, by=SOFIA)
    clock.advance(timedelta(hours=49))
    row = compliance.incident_compliance(services, bad.id, by=SOFIA)
    assert verdicts(row) == {
        "acknowledged": Verdict.MISSED,
        "escalated": Verdict.MET,
        "github": Verdict.NA,
        "status_page": Verdict.MISSED,
        "customer_email": Verdict.MISSED,  # the > 1 h email job never ran: no worker here
        "postmortem": Verdict.MISSED,
        "runbooks": Verdict.PENDING,
    }
    assert row.score == 20  # 1 of 5 decided checks met

    report = compliance.period_report(services, start=start, end=clock.now(), by=SOFIA)
    assert [r.incident.id for r in report.rows] == [good.id, bad.id]
    p1 = next(f for f in report.figures if f.severity is Severity.P1)
    assert (p1.incidents, p1.acknowledged_in_time) == (2, 1)
    assert p1.mtta_seconds == (10 * 60 + 2 * 3600) / 2
    assert p1.mttr_seconds == (30 * 60 + 3 * 3600) / 2
    assert report.average_score == 60


def test_an_inverted_period_names_the_field(services):
    now = services.clock.now()
    with pytest.raises(InvalidInput, match="to: the period ends"):
        compliance.period_report(services, start=now, end=now - timedelta(days=1), by=SOFIA)
