"""Drills in the web: the DRILL tag on the dashboard, the list and the room; ``drill`` in the
API; the status page's refusal as a 409 problem naming the drill."""

from __future__ import annotations

import time

import pytest

from tocsin.domain.access import Role
from tocsin.domain.severity import Severity
from tocsin.services.drill import drill
from tocsin.services.incidents.incidents import declare_incident
from tocsin.worker.runner import Worker

TAG = '<span class="tag tag-drill"'


@pytest.fixture
def drilled(container, services, responder):
    """A real incident (#1) and a drill left open (#2)."""
    declare_incident(services, title="Checkout down", severity=Severity.P1, by=responder)
    driver = drill.Driver(Worker(container).run_once, time.monotonic, time.sleep, timeout=2)
    return drill.run(services, driver, keep=True, by=responder)


def test_the_dashboard_the_list_and_the_room_tag_the_drill(client, as_role, drilled):
    as_role(Role.VIEWER)
    live = client.get("/dashboard/live").text
    rows = {line for line in live.splitlines() if "cell-title" in line}
    (real,) = [r for r in rows if "Checkout down" in r]
    (exercise,) = [r for r in rows if "API P99" in r]
    assert TAG not in real
    assert TAG in exercise
    assert ">DRILL</span>" in exercise
    listed = client.get("/incidents", params={"state": "all"}).text
    assert listed.count(TAG) == 1
    room = client.get(f"/incidents/{drilled.incident_id}").text
    assert TAG in room
    assert TAG not in client.get("/incidents/1").text


def test_the_api_says_drill_and_the_status_page_refuses_it(client, as_responder, drilled):
    url = f"/api/v1/incidents/{drilled.incident_id}"
    assert client.get(url, headers=as_responder).json()["drill"] is True
    assert client.get("/api/v1/incidents/1", headers=as_responder).json()["drill"] is False
    refused = client.post(f"{url}/status-updates", json={"status": "investigating"}, headers=as_responder)
    assert refused.status_code == 409
    assert "is a drill: the public status page never publishes a drill" in refused.json()["detail"]


def test_the_reports_page_lists_drills_apart_from_the_figures(client, as_role, drilled):
    as_role(Role.VIEWER)
    page = client.get("/reports").text
    figures, drills = page.split('id="drills"')
    assert f'href="/incidents/{drilled.incident_id}"' in drills
    assert f'href="/incidents/{drilled.incident_id}"' not in figures
    assert 'href="/incidents/1"' in figures
