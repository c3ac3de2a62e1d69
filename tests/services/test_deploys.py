"""Deploy correlation: a production deploy of an affected service before detection is a
suspect; outside the window, of another service, or in staging it is not; deploys during the
incident tick the plan's "Fix permanent" lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.intake_fixtures import am
from tests.paging_plan import drain
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.config import Settings
from tocsin.domain import deploy as domain
from tocsin.domain.access import SYSTEM
from tocsin.domain.deploy import Deploy
from tocsin.domain.events import EventKind
from tocsin.services.incidents import checklist, deploys, incidents
from tocsin.services.intake.ingest import ingest_alerts


@pytest.fixture
def settings(db_url):  # deploys come in through the "ci" deploy hook
    return Settings.model_validate(
        {"database": {"url": db_url}, "sources": {"ci": {"kind": "deploy", "token": "deploy-token"}}}
    )


def a_deploy(at, *, service="postgres-exporter", environment="production", version="v1.4.2", **more):
    return Deploy(
        source="ci", service=service, version=version, environment=environment, deployed_at=at,
        received_at=at, url="https://ci.example.org/run/1", status=more.get("status", "success"),
        external_id=more.get("ident", ""),
    )  # fmt: skip


def open_postgresqldown(services):
    notification = parse_alertmanager(am("firing_PostgreSQLDown"), source="prom")
    policy = services_policy()
    return ingest_alerts(services, policy, notification).incident_id


def services_policy():
    from tocsin.config.sources import SourceSettings

    return SourceSettings(kind="alertmanager", token="x").policy("prom")


def suspects(container, incident_id):
    events = incidents.get_timeline(container.services, incident_id, by=SYSTEM)
    return [e.text for e in events if e.kind is EventKind.DEPLOY]


def test_a_deploy_10_minutes_before_is_a_suspect_and_others_are_not(container, clock):
    now = clock.now()
    for d in (
        a_deploy(now - timedelta(minutes=10)),  # the one
        a_deploy(now - timedelta(minutes=70), version="v1.4.0"),  # outside the 60 min window
        a_deploy(now - timedelta(minutes=5), service="billing", version="v9"),  # unrelated
        a_deploy(now - timedelta(minutes=3), environment="staging", version="v1.4.3"),  # staging
        a_deploy(now - timedelta(minutes=2), status="failure", version="v1.4.4"),  # failed
    ):
        deploys.record_deploy(container.services, d)
    iid = open_postgresqldown(container.services)
    drain(container)
    drain(container)
    assert suspects(container, iid) == [
        "Deploy v1.4.2 of postgres-exporter 10 min before detection — consider rollback"
    ]


def test_a_late_deploy_webhook_still_names_the_suspect(container, clock):
    iid = open_postgresqldown(container.services)
    drain(container)
    late = a_deploy(clock.now() - timedelta(minutes=12), ident="run-77")
    _, touched = deploys.record_deploy(container.services, late)
    assert touched == [iid]
    assert suspects(container, iid) == [
        "Deploy v1.4.2 of postgres-exporter 12 min before detection — consider rollback"
    ]
    assert deploys.record_deploy(container.services, late) == (None, [])  # resent with its id: one record
    assert len(suspects(container, iid)) == 1


def test_a_hotfix_in_staging_then_production_ticks_the_fix_lines(container, clock):
    iid = open_postgresqldown(container.services)
    clock.advance(timedelta(minutes=20))
    deploys.record_deploy(container.services, a_deploy(clock.now(), environment="staging", version="v1.4.3"))
    lines = {line.item.key: line for line in checklist.checklist(container.services, iid, by=SYSTEM)}
    assert lines["3.3.2"].done
    assert lines["3.3.2"].tick.note == f"v1.4.3 in staging at {clock.now():%H:%M} UTC"
    assert lines["3.3.2"].tick.actor == "deploy:ci"
    assert not lines["3.3.3"].done
    clock.advance(timedelta(minutes=15))
    deploys.record_deploy(container.services, a_deploy(clock.now(), version="v1.4.3"))
    lines = {line.item.key: line for line in checklist.checklist(container.services, iid, by=SYSTEM)}
    assert lines["3.3.1"].done
    assert lines["3.3.3"].done
    deploys.record_deploy(container.services, a_deploy(clock.now(), version="v1.4.4"))  # ticked already
    ticks = [
        e for e in incidents.get_timeline(container.services, iid, by=SYSTEM) if e.kind is EventKind.CHECKLIST
    ]
    assert len(ticks) == 3


def test_domain_window_edges():
    t = datetime(2026, 11, 27, 10, tzinfo=UTC)
    services = frozenset({"api"})
    at_edge = a_deploy(t - timedelta(minutes=60), service="api")
    after = a_deploy(t + timedelta(seconds=1), service="api")
    assert domain.suspects([at_edge, after], services, t) == [at_edge]
    assert domain.banner(a_deploy(t - timedelta(seconds=20), service="api"), t).startswith(
        "Deploy v1.4.2 of api less than a minute before detection"
    )


@pytest.mark.parametrize(
    ("configured", "arrive"),
    [
        ({}, False),
        ({"sources": {"prom": {"kind": "alertmanager", "token": "x"}}}, False),
        ({"sources": {"ci": {"kind": "deploy", "token": "x"}}}, True),
        ({"github": {"token": "t", "repository": "acme/web", "webhook_secret": "s"}}, True),
        ({"github": {"token": "t", "repository": "acme/web"}}, False),  # no webhooks: no deploy in
    ],
)
def test_an_opening_looks_for_deploys_only_when_one_can_arrive(db_url, configured, arrive):
    from tocsin import bootstrap

    container = bootstrap.build(Settings.model_validate({"database": {"url": db_url}, **configured}))
    try:
        assert container.services.deploys_arrive is arrive
    finally:
        container.close()
