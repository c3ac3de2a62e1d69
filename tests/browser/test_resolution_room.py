"""Phase 3 in a real browser: the room of the PostgreSQLDown fixture, with a production deploy
10 minutes before it, shows its alerts, working Loki and Grafana links for the incident window,
the matching runbook and the rollback banner; ticking "Rollback si déploiement récent" lands on
the timeline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, serve
from tests.browser.test_responder_flow import console_errors, shot, sign_in  # noqa: F401
from tests.intake_fixtures import am
from tests.paging_plan import drain
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.config.sources import SourceSettings
from tocsin.domain.deploy import Deploy
from tocsin.services.incidents import deploys
from tocsin.services.intake.ingest import ingest_alerts

pytestmark = pytest.mark.slow
RUNBOOKS = Path(__file__).resolve().parents[2] / "examples" / "runbooks"


@pytest.fixture
def resolution_server(tmp_path: Path) -> Iterator[LiveServer]:
    extra = {
        "diagnostics": {
            "grafana_url": "https://grafana.example.org",
            "loki_datasource_uid": "loki-prod",
            "dashboards": {"database": "d/pg/postgresql"},
        },
        "runbooks": {"dir": str(RUNBOOKS)},
        "sources": {"ci": {"kind": "deploy", "token": "deploy-token"}},  # how deploys come in
    }
    yield from serve(tmp_path, extra)


def test_the_postgresqldown_room(page: Page, resolution_server, artifacts, console_errors):  # noqa: F811
    services = resolution_server.container.services
    now = services.clock.now()
    deploys.record_deploy(
        services,
        Deploy(
            source="ci",
            service="postgres-exporter",
            version="v1.4.2",
            environment="production",
            deployed_at=now - timedelta(minutes=10),
            received_at=now,
            url="https://ci.example.org/runs/42",
        ),
    )
    policy = SourceSettings(kind="alertmanager", token="x").policy("prom")
    iid = ingest_alerts(
        services, policy, parse_alertmanager(am("firing_PostgreSQLDown"), source="prom")
    ).incident_id
    drain(resolution_server.container)

    sign_in(page, resolution_server.url, "responder@example.org")
    page.goto(f"{resolution_server.url}/incidents/{iid}")
    expect(page.locator(".banner-warn")).to_contain_text(
        "Deploy v1.4.2 of postgres-exporter 10 min before detection — consider rollback"
    )
    expect(page.locator("#alerts")).to_contain_text("PostgreSQLDown")
    expect(page.locator("#alerts")).to_contain_text("PostgreSQL is down")
    loki = page.locator("#diagnostics a").first
    expect(loki).to_contain_text('Logs (Loki): {job="postgres-exporter", instance="postgres-exporter:9187"}')
    href = loki.get_attribute("href") or ""
    (pane,) = json.loads(parse_qs(urlsplit(href).query)["panes"][0]).values()
    assert pane["queries"][0]["expr"] == '{job="postgres-exporter", instance="postgres-exporter:9187"}'
    assert pane["range"]["to"] == "now"
    expect(page.locator("#diagnostics")).to_contain_text("Dashboard (Grafana): database")
    expect(page.locator("#runbooks")).to_contain_text("PostgreSQL is down")
    expect(page.locator("#runbooks")).to_contain_text("matches the alert name")
    shot(page, artifacts / "30-room-postgresqldown.png")

    page.locator("details.checklist", has_text="Phase 3").locator("summary").click()
    form = page.locator('form[action$="/checklist/3.2.1"]')
    form.locator("input[name=note]").fill("rolled back postgres-exporter to v1.4.1")
    form.get_by_role("button").click()
    expect(page.locator(".flash")).to_contain_text("Checked 3.2.1")
    expect(page.locator("#timeline-panel")).to_contain_text(
        "Checked 3.2.1: Rollback si déploiement récent — rolled back postgres-exporter to v1.4.1"
    )
    shot(page, artifacts / "31-room-rollback-ticked.png")
    assert console_errors == []
