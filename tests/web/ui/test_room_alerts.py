"""The room shows its alerts: labels, times, the sender's and the annotations' links (http(s)
only), a page at a time for big groups; the API pages the same way."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.intake_fixtures import am
from tocsin.adapters.db.alerts import SqlAlertRepository
from tocsin.config import Settings
from tocsin.domain.access import Role

TOKEN = "am-token"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {"database": {"url": db_url}, "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}}}
    )


def post(client, body):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    response = client.post("/hooks/alertmanager/prom", content=json.dumps(body), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["incident_id"]


def big_group(size: int) -> dict[str, object]:
    """One Alertmanager webhook holding ``size`` PostgreSQLDown alerts, one per instance."""
    body = copy.deepcopy(am("firing_PostgreSQLDown"))
    template = body["alerts"][0]
    width = len(str(size - 1))
    body["alerts"] = []
    for n in range(size):
        alert = copy.deepcopy(template)
        alert["labels"]["instance"] = f"db-{n:0{max(width, 2)}d}:9187"
        alert["fingerprint"] = f"{n:016x}"
        body["alerts"].append(alert)
    return body


def test_the_postgresqldown_room_shows_its_alert_and_links(client, as_role):
    body = copy.deepcopy(am("firing_PostgreSQLDown"))
    body["alerts"][0]["annotations"].update(
        runbook_url="https://runbooks.example.org/postgresql-down", dashboard_url="javascript:alert(1)"
    )
    iid = post(client, body)
    as_role(Role.VIEWER)
    room = client.get(f"/incidents/{iid}").text
    assert "Alerts attached to this incident appear here once" not in room
    assert "1 firing · 0 resolved" in room
    assert "<b>PostgreSQLDown</b>" in room
    assert "PostgreSQL is down" in room
    assert "component=database" in room
    assert 'href="http://prometheus:9090/graph?g0.expr=pg_up+%3D%3D+0&amp;g0.tab=1"' in room
    assert 'href="https://runbooks.example.org/postgresql-down"' in room
    assert "javascript:" not in room
    assert "Set <code>diagnostics.grafana_url</code>" in room


def test_a_big_group_is_paged(client, as_role, as_responder):
    body = big_group(45)
    iid = post(client, body)
    as_role(Role.VIEWER)
    first = client.get(f"/incidents/{iid}/alerts").text
    assert "45 firing" in first
    assert "Page 1 of 3" in first
    assert first.count('class="alert-item') == 20
    last = client.get(f"/incidents/{iid}/alerts?page=3").text
    assert last.count('class="alert-item') == 5

    api = client.get(f"/api/v1/incidents/{iid}/alerts?limit=10&offset=40", headers=as_responder)
    assert api.headers["x-total-count"] == "45"
    assert len(api.json()) == 5


def test_the_api_pages_a_big_group_with_a_cursor_as_with_offsets(client, as_responder):
    body = big_group(25)
    iid = post(client, body)
    url = f"/api/v1/incidents/{iid}/alerts"
    everything = [a["fingerprint"] for a in client.get(url, headers=as_responder).json()]
    walked, params = [], {"limit": 10}
    while True:
        page = client.get(url, params=params, headers=as_responder)
        walked += [a["fingerprint"] for a in page.json()]
        if "x-next-cursor" not in page.headers:
            break
        params = {"limit": 10, "cursor": page.headers["x-next-cursor"]}
    assert walked == everything
    assert len(walked) == 25

    bad = client.get(url, params={"cursor": "not-a-cursor"}, headers=as_responder)
    assert bad.status_code == 422
    assert "cursor" in bad.text


def test_the_api_returns_a_page_of_alerts_by_default_and_links_the_next(client, as_responder):
    body = big_group(130)
    iid = post(client, body)
    first = client.get(f"/api/v1/incidents/{iid}/alerts", headers=as_responder)
    assert len(first.json()) == 100
    assert first.headers["x-total-count"] == "130"

    walked, url = [], f"/api/v1/incidents/{iid}/alerts"
    while url:
        page = client.get(url, headers=as_responder)
        walked += [a["fingerprint"] for a in page.json()]
        url = page.headers.get("link", "").partition(">")[0].removeprefix("<")
    assert sorted(walked) == sorted(a["fingerprint"] for a in body["alerts"])
    assert len(walked) == 130


@pytest.fixture
def diag_settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}},
            "diagnostics": {
                "grafana_url": "https://grafana.example.org",
                "loki_datasource_uid": "loki-prod",
                "dashboards": {"database": "d/pg-overview/postgresql"},
            },
            "runbooks": {"dir": str(Path(__file__).resolve().parents[3] / "examples" / "runbooks")},
        }
    )


class TestWithDiagnostics:
    @pytest.fixture
    def settings(self, diag_settings):
        return diag_settings

    def test_the_room_links_loki_and_grafana_for_the_incident_window(self, client, as_role, container):
        iid = post(client, am("firing_PostgreSQLDown"))
        as_role(Role.VIEWER)
        room = client.get(f"/incidents/{iid}").text
        assert 'Logs (Loki): {job="postgres-exporter", instance="postgres-exporter:9187"}' in room.replace(
            "&#34;", '"'
        )
        assert "https://grafana.example.org/explore?schemaVersion=1&amp;panes=" in room
        # the alert started 2026-11-26 21:46:44.786 UTC: the window opens 15 min before, runs to now
        start = int(datetime(2026, 11, 26, 21, 31, 44, 786000, tzinfo=UTC).timestamp() * 1000)
        board = f"https://grafana.example.org/d/pg-overview/postgresql?from={start}&amp;to=now"
        assert board in room
        # the shipped example runbook, matched by its alert name and rendered
        assert "<b>PostgreSQL is down</b>" in room
        assert "matches the alert name · postgresql-down.md" in room
        assert "<strong>Rollback</strong>" in room

    def test_the_room_reads_in_one_unit_of_work_and_its_alerts_once(
        self, client, as_role, container, monkeypatch
    ):
        body = big_group(45)
        iid = post(client, body)
        as_role(Role.VIEWER)
        checkouts: list[object] = []
        lists: list[object] = []
        read = SqlAlertRepository.list

        def counted(repo, *args, **kwargs):
            lists.append(args)
            return read(repo, *args, **kwargs)

        def checkout(*_args):
            checkouts.append(_args)

        monkeypatch.setattr(SqlAlertRepository, "list", counted)
        sa.event.listen(container.engine, "checkout", checkout)
        try:
            room = client.get(f"/incidents/{iid}").text
        finally:
            sa.event.remove(container.engine, "checkout", checkout)
        # the signed-in session, then the whole page (it was one checkout per panel: 14)
        assert len(checkouts) == 2
        assert len(lists) == 1  # one read for the Alerts card, the runbooks and the links
        assert "45 firing · 0 resolved" in room
        assert "Page 1 of 3" in room
        assert room.count('class="alert-item') == 20
        assert "matches the alert name · postgresql-down.md" in room
        assert "https://grafana.example.org/explore?schemaVersion=1&amp;panes=" in room
