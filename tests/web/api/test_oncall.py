"""``/api/v1/oncall``, ``POST /incidents/{id}/escalate`` and the secret iCal feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from tests.paging_plan import plan
from tocsin.config import Settings


@pytest.fixture
def settings(db_url):
    return Settings.model_validate(plan(db_url))


def test_who_is_on_call_now_and_next(client, as_viewer):
    body = client.get("/api/v1/oncall", headers=as_viewer).json()
    [sre] = body["schedules"]
    assert (sre["id"], sre["timezone"]) == ("sre_oncall", "Europe/Brussels")
    assert (sre["current"]["person"], sre["current"]["name"]) == ("sofia", "Sofia Lambert")
    assert sre["current"]["end"] == "2026-11-30T08:00:00Z"  # Monday 09:00 in Brussels
    assert sre["next"]["person"] == "theo"
    targets = {t["target"]: t for t in body["targets"]}
    assert [p["id"] for p in targets["schedule:sre_oncall"]["people"]] == ["sofia"]
    assert targets["role:lead_engineer"]["severities"] == ["P0", "P1"]
    assert targets["team:dev"]["name"] == "Équipe dev"


def test_on_call_needs_a_token(client):
    assert client.get("/api/v1/oncall").status_code == 401


def test_escalate_now(client, as_responder, as_viewer):
    created = client.post(
        "/api/v1/incidents", json={"title": "Login fail", "severity": "P1"}, headers=as_responder
    )
    incident_id = created.json()["id"]
    assert client.post(f"/api/v1/incidents/{incident_id}/escalate", headers=as_viewer).status_code == 403
    response = client.post(f"/api/v1/incidents/{incident_id}/escalate", headers=as_responder)
    assert response.status_code == 200
    timeline = client.get(f"/api/v1/incidents/{incident_id}/timeline", headers=as_viewer).json()
    steps = [e for e in timeline if e["kind"] == "escalated"]
    assert len(steps) == 2
    assert "step 2/2" in steps[1]["text"]
    assert "Camille Martin (role:lead_engineer)" in steps[1]["text"]
    state = client.get(f"/api/v1/incidents/{incident_id}/escalation", headers=as_viewer).json()
    assert (state["severity"], state["status"], state["steps_run"]) == ("P1", "active", 2)
    assert state["notified"] == ["sofia", "camille"]
    assert state["steps"][0] == {"targets": ["schedule:sre_oncall"], "wait_seconds": 3600}


def test_escalating_a_missing_incident_is_404(client, as_responder):
    assert client.post("/api/v1/incidents/99/escalate", headers=as_responder).status_code == 404


def test_a_schedule_feed_imports_in_a_standard_parser(client, as_admin, as_responder):
    assert (
        client.post(
            "/api/v1/oncall/feeds", json={"kind": "schedule", "subject": "sre_oncall"}, headers=as_responder
        ).status_code
        == 403
    )
    created = client.post(
        "/api/v1/oncall/feeds", json={"kind": "schedule", "subject": "sre_oncall"}, headers=as_admin
    )
    assert created.status_code == 201
    url = created.json()["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) >= 14  # two weeks back, three months ahead, weekly
    starts = {e.decoded("dtstart"): str(e["summary"]) for e in events}
    assert starts[datetime(2026, 11, 23, 8, tzinfo=UTC)] == "On call: Sofia Lambert (Astreinte SRE)"
    assert starts[datetime(2026, 11, 30, 8, tzinfo=UTC)] == "On call: Théo Dubois (Astreinte SRE)"
    whole = sorted(events, key=lambda e: e.decoded("dtstart"))[1:-1]  # the window cuts the ends
    assert {e.decoded("dtend") - e.decoded("dtstart") for e in whole} == {timedelta(days=7)}


def test_a_person_feed_and_a_wrong_token(client, as_admin):
    created = client.post(
        "/api/v1/oncall/feeds", json={"kind": "person", "subject": "theo"}, headers=as_admin
    )
    calendar = icalendar.Calendar.from_ical(client.get(created.json()["url"]).content)
    assert str(calendar["x-wr-calname"]) == "On call: Théo Dubois"
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {"On call: Théo Dubois (Astreinte SRE)"}
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    unknown = client.post("/api/v1/oncall/feeds", json={"kind": "person", "subject": "zed"}, headers=as_admin)
    assert unknown.status_code == 404
