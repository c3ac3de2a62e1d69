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
