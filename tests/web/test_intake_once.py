"""One webhook, one decision, one write: the webhook that opens an incident reaches every
integration once — one Slack announcement job, not an announcement, an update and a thread
post (the declaration and its alerts are one change, persisted once)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.intake_fixtures import am
from tests.slack_fake import AM_TOKEN, FakeSlack, slack_plan
from tocsin.config import Settings
from tocsin.domain.events import EventKind, JobKind
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import incidents

BEARER = {"Authorization": f"Bearer {AM_TOKEN}"}
SLACK = {JobKind.SLACK_ANNOUNCE, JobKind.SLACK_UPDATE, JobKind.SLACK_THREAD}


@pytest.fixture
def settings(db_url: str, slack_fake: FakeSlack) -> Settings:
    return Settings.model_validate(slack_plan(db_url, slack_fake, direct_messages=False))


def slack_jobs(container) -> Counter[JobKind]:
    return Counter(j.kind for j in container.jobs.list(status=None, limit=500) if j.kind in SLACK)


def test_a_webhook_that_opens_an_incident_makes_exactly_one_slack_job_the_announcement(
    client, container, admin
):
    answer = client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER)

    assert answer.status_code == 200
    assert answer.json()["route"] == "open"
    assert slack_jobs(container) == Counter({JobKind.SLACK_ANNOUNCE: 1})
    timeline = incidents.get_timeline(container.services, IncidentId(answer.json()["incident_id"]), by=admin)
    kinds = [e.kind for e in timeline]
    assert kinds.count(EventKind.DECLARED) == 1
    assert kinds.index(EventKind.DECLARED) < kinds.index(EventKind.ALERT_FIRED)


def test_a_later_webhook_for_the_open_incident_updates_the_card_and_posts_to_its_thread(client, container):
    client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=BEARER)
    resolved = client.post("/hooks/alertmanager/prom", json=am("resolved_PostgreSQLDown"), headers=BEARER)

    assert resolved.json()["route"] == "attach"
    assert slack_jobs(container) == Counter(
        {JobKind.SLACK_ANNOUNCE: 1, JobKind.SLACK_UPDATE: 1, JobKind.SLACK_THREAD: 1}
    )


def test_the_pure_reactions_derive_jobs_from_a_change_alone(container, clock):
    """Change → jobs, nothing read or written: a declaration is announced, a later change
    updates the card and posts to the thread."""
    from tocsin.domain import incident as domain
    from tocsin.domain.severity import Severity
    from tocsin.services import reactions

    svc = container.services
    opened = domain.declare(
        IncidentId(41), title="Checkout down", severity=Severity.P1, at=clock.now(), by="Rita", plan=svc.plan
    )
    acked = domain.acknowledge(opened.incident, at=clock.now(), by="Rita")

    def slack_kinds(change):
        return [j.kind for j in reactions.jobs_for(svc, change, clock.now()) if j.kind in SLACK]

    assert slack_kinds(opened) == [JobKind.SLACK_ANNOUNCE]
    assert slack_kinds(acked) == [JobKind.SLACK_ANNOUNCE, JobKind.SLACK_UPDATE, JobKind.SLACK_THREAD]
    assert container.jobs.list(status=None) == []
