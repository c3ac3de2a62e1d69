"""Every Statuspage v2 document validates against the schemas written from Atlassian's docs,
with resolved and unresolved incidents, groups and a component change on record."""

from __future__ import annotations

from datetime import timedelta

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from tests.web.statuspage.v2_schema import SCHEMAS

FORMATS = Draft202012Validator.FORMAT_CHECKER


@pytest.fixture
def populated(client, clock, as_responder):
    for severity, final in (("P1", "resolved"), ("P0", "monitoring")):
        incident_id = client.post(
            "/api/v1/incidents", json={"title": "x", "severity": severity}, headers=as_responder
        ).json()["id"]
        url = f"/api/v1/incidents/{incident_id}/status-updates"
        clock.advance(timedelta(minutes=5))
        client.post(
            url,
            json={"status": "investigating", "message": "Looking.", "components": ["api", "login"]},
            headers=as_responder,
        )
        clock.advance(timedelta(minutes=5))
        client.post(url, json={"status": final, "message": "Done."}, headers=as_responder)
    for name, final in (("Upgrade", "verifying"), ("Migration", "scheduled"), ("Patch", "completed")):
        created = client.post(
            "/api/v1/maintenances",
            json={
                "name": name,
                "message": "Planned work.",
                "scheduled_for": "2026-12-01T22:00:00Z",
                "scheduled_until": "2026-12-01T23:00:00Z",
                "components": ["api"],
            },
            headers=as_responder,
        )
        assert created.status_code == 201, created.text
        if final != "scheduled":
            client.post(
                f"/api/v1/maintenances/{created.json()['id']}/updates",
                json={"status": final, "message": "Moving on."},
                headers=as_responder,
            )
    return client


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_documents_validate(populated, name):
    body = populated.get(f"/status/api/v2/{name}").json()
    Draft202012Validator(SCHEMAS[name], format_checker=FORMATS).validate(body)


def test_the_schemas_do_catch_a_wrong_enum(populated):
    body = populated.get("/status/api/v2/summary.json").json()
    body["components"][0]["status"] = "down"
    with pytest.raises(jsonschema.ValidationError):
        Draft202012Validator(SCHEMAS["summary.json"], format_checker=FORMATS).validate(body)


def test_the_schemas_do_catch_a_wrong_maintenance_enum(populated):
    body = populated.get("/status/api/v2/scheduled-maintenances.json").json()
    validator = Draft202012Validator(SCHEMAS["scheduled-maintenances.json"], format_checker=FORMATS)
    validator.validate(body)
    body["scheduled_maintenances"][0]["status"] = "investigating"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(body)


def test_maintenance_documents_split_upcoming_and_active(populated):
    def names(path):
        return {
            m["name"]: m["status"]
            for m in populated.get(f"/status/api/v2/{path}").json()["scheduled_maintenances"]
        }

    assert names("scheduled-maintenances.json") == {
        "Upgrade": "verifying",
        "Migration": "scheduled",
        "Patch": "completed",
    }
    assert names("scheduled-maintenances/upcoming.json") == {"Migration": "scheduled"}
    assert names("scheduled-maintenances/active.json") == {"Upgrade": "verifying"}
    assert names("summary.json") == {"Upgrade": "verifying", "Migration": "scheduled"}
    [m] = populated.get("/status/api/v2/scheduled-maintenances/active.json").json()["scheduled_maintenances"]
    assert m["impact"] == "maintenance"
    assert m["scheduled_for"] == "2026-12-01T22:00:00.000Z"
    assert [c["name"] for c in m["components"]] == ["API"]


def test_unresolved_lists_only_open_incidents_and_groups_list_their_children(populated):
    unresolved = populated.get("/status/api/v2/incidents/unresolved.json").json()["incidents"]
    assert [i["status"] for i in unresolved] == ["monitoring"]
    assert unresolved[0]["monitoring_at"] is not None
    components = populated.get("/status/api/v2/components.json").json()["components"]
    [group] = [c for c in components if c["group"]]
    children = {c["id"] for c in components if c["group_id"] == group["id"]}
    assert group["name"] == "Application"
    assert set(group["components"]) == children
    assert len(children) == 2
    assert group["status"] == "major_outage"
