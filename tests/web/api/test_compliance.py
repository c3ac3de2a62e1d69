"""The compliance report over HTTP: JSON, CSV columns, one incident's checklist, bad periods."""

from __future__ import annotations

import csv
import io

from tests.web.api.test_postmortem import API, POSTMORTEM, replay_the_plans_example, settings  # noqa: F401

COLUMNS = [
    "incident_id", "severity", "title", "phase", "detected_at", "acknowledged_at", "resolved_at",
    "time_to_acknowledge_seconds", "time_to_resolve_seconds", "score", "acknowledged", "escalated",
    "github", "status_page", "customer_email", "postmortem", "runbooks",
]  # fmt: skip


def test_the_plans_example_in_the_report_json_and_csv(client, clock, as_responder):
    iid = replay_the_plans_example(client, clock, as_responder)
    client.patch(f"{API}/{iid}/postmortem", json={**POSTMORTEM, "why_actions": [2]}, headers=as_responder)
    client.post(f"{API}/{iid}/postmortem/complete", headers=as_responder)
    period = {"from": "2025-11-10T00:00:00Z", "to": "2025-11-11T00:00:00Z"}

    report = client.get("/api/v1/reports/compliance", params=period, headers=as_responder).json()
    (p1,) = [f for f in report["figures"] if f["severity"] == "P1"]
    assert (p1["incidents"], p1["acknowledged_in_time"], p1["mtta_seconds"]) == (1, 1, 116.0)
    assert p1["mttr_seconds"] == 896.0  # detected 14:30:04, resolved 14:45:00
    (row,) = report["incidents"]
    checks = {c["key"]: c["verdict"] for c in row["checks"]}
    assert checks["acknowledged"] == "met"
    assert checks["postmortem"] == "met"
    assert checks["runbooks"] == "missed"  # the post-mortem listed no runbook to update

    response = client.get("/api/v1/reports/compliance.csv", params=period, headers=as_responder)
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == COLUMNS
    assert rows[1][:4] == [str(iid), "P1", "APILatencyHigh: API P99 > 5s", "post_incident"]
    assert rows[1][7:9] == ["116", "896"]

    one = client.get(f"{API}/{iid}/compliance", headers=as_responder).json()
    assert one["score"] == row["score"]


def test_an_inverted_period_is_a_422_naming_to(client, as_viewer):
    period = {"from": "2025-11-11T00:00:00Z", "to": "2025-11-10T00:00:00Z"}
    response = client.get("/api/v1/reports/compliance", params=period, headers=as_viewer)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("to: the period ends")
    naive = client.get("/api/v1/reports/compliance", params={"from": "2025-11-10T00:00"}, headers=as_viewer)
    assert naive.status_code == 422
    assert "from" in naive.text
