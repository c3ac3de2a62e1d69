"""Phase 4 over the REST API: the plan's own example replayed end to end gives the plan's
Incident Report; a P1 cannot close until its post-mortem is complete or waived."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.intake_fixtures import am
from tocsin.config import Settings

GOLDEN = Path(__file__).parent / "golden"
TOKEN = "am-token"
START = datetime(2025, 11, 10, 14, 30, tzinfo=UTC)
API = "/api/v1/incidents"

# The plan's template, word for word ("Templates" → "Incident Report"), with its example.
TEMPLATE_LINES = [
    "# Incident Report - 2025-11-10",
    "**Severity**: P1",
    "**Duration**: 14:30 start → 14:45 resolved",
    "**Impact**: All API users (about 1,200) saw timeouts on every page",
    "## Timeline",
    "- 14:30 - Alert fired: API P99 > 5s",
    "- 14:32 - Incident acknowledged",
    "- 14:35 - Root cause identified: DB connection pool exhausted",
    "- 14:40 - Mitigation: Restarted API service",
    "- 14:45 - Resolved: Latency back to normal",
    "## Root Cause",
    "Database connection pool size (10) insufficient under peak load.",
    "## Action Items",
    "- [ ] Increase connection pool to 20",
    "- [ ] Add alert for connection pool usage > 80%",
    "- [ ] Load test with realistic traffic",
]


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {"database": {"url": db_url}, "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}}}
    )


def _api_latency_alert() -> dict:
    body = copy.deepcopy(am("firing_PostgreSQLDown"))
    alert = body["alerts"][0]
    alert["labels"].update(alertname="APILatencyHigh", component="application", severity="P1")
    alert["annotations"] = {"summary": "API P99 > 5s"}
    alert["startsAt"] = "2025-11-10T14:30:00Z"
    alert["fingerprint"] = "a1b2c3d4e5f60718"
    body["groupKey"] = '{}:{alertname="APILatencyHigh"}'
    body["groupLabels"] = {"alertname": "APILatencyHigh"}
    return body


def replay_the_plans_example(client, clock, headers) -> int:
    """Alert 14:30, ack 14:32, root cause 14:35, mitigation 14:40, resolved 14:45."""
    clock.set(START + timedelta(seconds=4))
    response = client.post(
        "/hooks/alertmanager/prom",
        content=json.dumps(_api_latency_alert()),
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    (incident,) = client.get(API, headers=headers).json()["items"]
    iid = incident["id"]
    if incident["severity"] != "P1":
        r = client.patch(
            f"{API}/{iid}", json={"severity": "P1", "reason": "login and API down"}, headers=headers
        )
        assert r.status_code == 200, r.text
    clock.set(START + timedelta(minutes=2))
    assert client.post(f"{API}/{iid}/acknowledge", headers=headers).status_code == 200
    clock.set(START + timedelta(minutes=5))
    note = {"text": "DB connection pool exhausted", "kind": "root_cause"}
    assert client.post(f"{API}/{iid}/notes", json=note, headers=headers).status_code == 201
    clock.set(START + timedelta(minutes=10))
    note = {"text": "Restarted API service", "kind": "mitigation"}
    assert client.post(f"{API}/{iid}/notes", json=note, headers=headers).status_code == 201
    clock.set(START + timedelta(minutes=15))
    resolved = client.post(
        f"{API}/{iid}/resolve", json={"summary": "Latency back to normal"}, headers=headers
    )
    assert resolved.status_code == 200, resolved.text
    return iid


POSTMORTEM = {
    "impact": "All API users (about 1,200) saw timeouts on every page",
    "root_cause": "Database connection pool size (10) insufficient under peak load.",
    "action_items": [
        {"title": "Increase connection pool to 20"},
        {"title": "Add alert for connection pool usage > 80%"},
        {"title": "Load test with realistic traffic"},
    ],
    "whys": [
        {"why": "Why did the API time out?", "because": "every request waited for a database connection"},
        {"why": "Why did requests wait?", "because": "the pool (10) was exhausted under peak load"},
        {"why": "Why was it not seen coming?", "because": "nothing alerts on pool usage"},
    ],
}


def test_the_plans_example_gives_the_plans_report_and_gates_closing(client, clock, as_responder):
    iid = replay_the_plans_example(client, clock, as_responder)
    clock.set(START + timedelta(minutes=20))

    blocked = client.post(f"{API}/{iid}/close", headers=as_responder)
    assert blocked.status_code == 409
    assert "post-mortem" in blocked.json()["detail"]
    assert "2025-11-12 14:45" in blocked.json()["detail"]

    pm = client.get(f"{API}/{iid}/postmortem", headers=as_responder).json()
    assert (pm["status"], pm["required"], pm["due_at"]) == ("draft", True, "2025-11-12T14:45:00Z")
    assert [e["text"] for e in pm["timeline"]] == [line.split(" - ", 1)[1] for line in TEMPLATE_LINES[5:10]]

    incomplete = client.post(f"{API}/{iid}/postmortem/complete", headers=as_responder)
    assert incomplete.status_code == 422
    assert "root cause" in incomplete.json()["detail"]
    assert "action item" in incomplete.json()["detail"]

    edited = client.patch(f"{API}/{iid}/postmortem", json=POSTMORTEM, headers=as_responder).json()
    assert [a["id"] for a in edited["action_items"]] == [1, 2, 3]
    assert edited["missing"] == ["the action item(s) the last “because” leads to"]
    r = client.patch(f"{API}/{iid}/postmortem", json={"why_actions": [2]}, headers=as_responder)
    assert r.json()["missing"] == []

    report = client.get(f"{API}/{iid}/report.md", headers=as_responder)
    assert report.headers["content-type"].startswith("text/markdown")
    lines = report.text.splitlines()
    assert lines[: len(TEMPLATE_LINES)] == TEMPLATE_LINES

    clock.set(START + timedelta(hours=20))
    assert client.post(f"{API}/{iid}/postmortem/complete", headers=as_responder).status_code == 200
    assert client.post(f"{API}/{iid}/close", headers=as_responder).status_code == 200
    final = client.get(f"{API}/{iid}/report.md", headers=as_responder).text
    assert final == (GOLDEN / "plan_example_report.md").read_text()


def test_an_admin_waives_with_a_reason_and_the_waiver_is_on_the_timeline(
    client, clock, as_responder, as_admin
):
    iid = replay_the_plans_example(client, clock, as_responder)
    no_reason = client.post(f"{API}/{iid}/postmortem/waive", json={"reason": " "}, headers=as_admin)
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["detail"]
    forbidden = client.post(f"{API}/{iid}/postmortem/waive", json={"reason": "drill"}, headers=as_responder)
    assert forbidden.status_code == 403
    assert client.post(f"{API}/{iid}/close", headers=as_responder).status_code == 409

    waived = client.post(
        f"{API}/{iid}/postmortem/waive", json={"reason": "a planned drill"}, headers=as_admin
    )
    assert waived.json()["status"] == "waived"
    assert client.post(f"{API}/{iid}/close", headers=as_responder).status_code == 200
    texts = [e["text"] for e in client.get(f"{API}/{iid}/timeline", headers=as_responder).json()]
    assert any(t.endswith("a planned drill") and t.startswith("Post-mortem waived") for t in texts)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": "nobody@nowhere.example"}, "owner"),
        ({"action_items": [{"title": "x", "due_on": "2025-11-01"}]}, "action_items[0].due_on"),
        ({"action_items": [{"title": "x", "owner": "mallory"}]}, "action_items[0].owner"),
        ({"whys": [{"why": "Why?", "because": "  "}]}, "whys[0].because"),
        ({"why_actions": [7]}, "why_actions"),
        ({"runbooks": [{"url": "javascript:alert(1)"}]}, "runbooks[0].url"),
        ({"root_cause": "x", "bogus": 1}, "bogus"),
    ],
)
def test_bad_edits_are_422_naming_the_field_and_change_nothing(client, clock, as_responder, body, field):
    iid = replay_the_plans_example(client, clock, as_responder)
    before = client.get(f"{API}/{iid}/postmortem", headers=as_responder).json()
    response = client.patch(f"{API}/{iid}/postmortem", json={"summary": "half", **body}, headers=as_responder)
    assert response.status_code == 422
    assert field in response.text
    assert client.get(f"{API}/{iid}/postmortem", headers=as_responder).json() == before


def test_a_p3_closes_without_a_post_mortem_but_may_have_one(client, clock, as_responder):
    created = client.post(
        f"{API}", json={"title": "Typo on the pricing page", "severity": "P3"}, headers=as_responder
    )
    iid = created.json()["id"]
    client.post(f"{API}/{iid}/resolve", headers=as_responder)
    assert client.get(f"{API}/{iid}/postmortem", headers=as_responder).json()["status"] == "none"
    started = client.post(f"{API}/{iid}/postmortem", headers=as_responder)
    assert started.status_code == 201
    assert (started.json()["required"], started.json()["due_at"]) == (False, None)
    assert client.post(f"{API}/{iid}/close", headers=as_responder).status_code == 200


def test_the_timeline_is_edited_hidden_reworded_and_added_to(client, clock, as_responder):
    iid = replay_the_plans_example(client, clock, as_responder)
    entries = client.get(f"{API}/{iid}/postmortem", headers=as_responder).json()["timeline"]
    ack, mitigation = entries[1]["key"], entries[3]["key"]
    edits = {
        "hidden": [ack],
        "reworded": {mitigation: "Mitigation: restarted the API pods one by one"},
        "added": [{"at": "2025-11-10T14:33:00Z", "text": "Customer support reports login failures"}],
    }
    r = client.patch(f"{API}/{iid}/postmortem", json={"timeline": edits}, headers=as_responder)
    assert r.status_code == 200, r.text
    lines = client.get(f"{API}/{iid}/report.md", headers=as_responder).text.splitlines()
    timeline = lines[lines.index("## Timeline") + 1 : lines.index("## Root Cause")]
    assert timeline == [
        "- 14:30 - Alert fired: API P99 > 5s",
        "- 14:33 - Customer support reports login failures",
        "- 14:35 - Root cause identified: DB connection pool exhausted",
        "- 14:40 - Mitigation: restarted the API pods one by one",
        "- 14:45 - Resolved: Latency back to normal",
    ]


def test_a_nul_character_is_a_422_naming_the_field_on_every_database(client, clock, as_responder):
    """PostgreSQL refuses NUL in text and JSON: it must be a clear 422, never a 500."""
    iid = replay_the_plans_example(client, clock, as_responder)
    cases = [
        ("patch", f"{API}/{iid}/postmortem", {"summary": "a\u0000b"}, "summary"),
        ("patch", f"{API}/{iid}/postmortem", {"owner": "\u0000"}, "owner"),
        ("patch", f"{API}/{iid}/postmortem", {"timeline": {"hidden": ["\u0000"]}}, "timeline.hidden.0"),
        ("post", f"{API}/{iid}/notes", {"text": "x\u0000y", "kind": "root_cause"}, "text"),
        ("post", f"{API}/{iid}/checklist/3.2.1", {"note": "\u0000"}, "note"),
        ("post", API, {"title": "a\u0000", "severity": "P3"}, "title"),
    ]
    for method, url, body, field in cases:
        response = getattr(client, method)(url, json=body, headers=as_responder)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["detail"].startswith(f"{field}: contains a NUL character"), response.text
