"""Hostile input at the HTTP edge, on both databases: absurd numbers and text the databases
cannot store (a NUL character, a lone surrogate). The API and the UI refuse them with a 422
naming the field; the webhooks repair the text and store the alert, since their senders would
resend the same body forever (a 5xx) or drop the alert (a 4xx)."""

from __future__ import annotations

import json

import pytest

from tests.intake_fixtures import am
from tocsin.config import Settings

TOKEN = "s3cret-token"
HOOK = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
HUGE = "9" * 5000  # beyond Python's 4,300-digit limit on reading an integer
PYTHON_TEXT = ("int_max_str_digits", "Exceeds the limit", "error parsing the body")


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "sources": {
                "prom": {"kind": "alertmanager", "token": TOKEN},
                "graf": {"kind": "grafana", "token": TOKEN},
                "mon": {"kind": "generic", "token": TOKEN},
                "ci": {"kind": "deploy", "token": TOKEN},
            },
        }
    )


def refused(response, field: str, where: str, words: str = "") -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["in"]) for e in body["errors"]][:1] == [(field, where)], body
    assert body["detail"].startswith(f"{field}: "), body
    assert words in body["detail"]
    assert not any(text in body["detail"] for text in PYTHON_TEXT), body


def declare(client, headers) -> int:
    response = client.post(
        "/api/v1/incidents", json={"title": "Checkout down", "severity": "P2"}, headers=headers
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def raw(client, method: str, url: str, text: str, headers):
    """``text`` sent as is: JSON escapes such as ``\\ud800`` reach the server's decoder."""
    return client.request(
        method, url, content=text.encode(), headers={**headers, "Content-Type": "application/json"}
    )


# ---- integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", ["99999999999999999999", "2147483648", HUGE])
def test_an_absurd_offset_is_a_422_naming_it(client, as_viewer, offset):
    refused(client.get(f"/api/v1/incidents?offset={offset}", headers=as_viewer), "offset", "query")
    refused(client.get(f"/api/v1/incidents?limit={offset}", headers=as_viewer), "limit", "query")


@pytest.mark.parametrize("users", ["2147483648", "100000000000000000000", HUGE])
def test_an_absurd_number_of_users_affected_is_a_422_naming_it(client, as_responder, users):
    iid = declare(client, as_responder)
    body = '{"users_affected": ' + users + ', "features_down": ["checkout"]}'
    refused(
        raw(client, "POST", f"/api/v1/incidents/{iid}/impact", body, as_responder), "users_affected", "body"
    )
    impact = client.get(f"/api/v1/incidents/{iid}", headers=as_responder).json()["impact"]
    assert impact["assessed_at"] is None  # nothing written
    largest = '{"users_affected": 2147483647, "features_down": ["checkout"]}'
    ok = raw(client, "POST", f"/api/v1/incidents/{iid}/impact", largest, as_responder)
    assert ok.status_code == 200, ok.text
    assert ok.json()["impact"]["users_affected"] == 2**31 - 1


def test_a_huge_integer_anywhere_in_a_json_body_names_its_field(client, as_responder):
    iid = declare(client, as_responder)
    body = '{"text": "x", "kind": ' + HUGE + "}"
    refused(
        raw(client, "POST", f"/api/v1/incidents/{iid}/notes", body, as_responder),
        "kind",
        "body",
        "5000 digits",
    )
    nested = '{"users_affected": 1, "features_down": [1, ' + HUGE + "]}"
    refused(
        raw(client, "POST", f"/api/v1/incidents/{iid}/impact", nested, as_responder),
        "features_down.1",
        "body",
    )


def test_the_published_schema_states_the_bounds(client):
    document = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/v1/incidents"]["get"]["parameters"]}
    assert parameters["offset"]["maximum"] == 2**31 - 1
    impact = document["components"]["schemas"]["ImpactIn"]["properties"]["users_affected"]["anyOf"][0]
    assert (impact["minimum"], impact["maximum"]) == (0, 2**31 - 1)


# ---- text: the API refuses it -----------------------------------------------------------------

BAD_TEXT = [("\\u0000", "NUL character"), ("\\ud800", "lone surrogate"), ("\\udfff", "lone surrogate")]


@pytest.mark.parametrize(("escape", "words"), BAD_TEXT)
def test_text_the_database_cannot_store_is_a_422_naming_the_field(client, as_admin, escape, words):
    iid = declare(client, as_admin)
    before = client.get(f"/api/v1/incidents/{iid}/timeline", headers=as_admin).json()
    cases = [
        ("POST", "/api/v1/incidents", '{"title": "a%sb", "severity": "P2"}', "title"),
        ("POST", f"/api/v1/incidents/{iid}/notes", '{"text": "note %s"}', "text"),
        ("PATCH", f"/api/v1/incidents/{iid}", '{"title": "ok", "reason": "%s"}', "reason"),
        (
            "POST",
            f"/api/v1/incidents/{iid}/impact",
            '{"users_affected": 1, "features_down": ["ok", "%s"]}',
            "features_down.1",
        ),
    ]
    for method, url, template, field in cases:
        refused(raw(client, method, url, template % escape, as_admin), field, "body", words)
    listed = client.get("/api/v1/incidents", headers=as_admin).json()
    assert [(i["title"], i["impact"]["assessed_at"]) for i in listed["items"]] == [("Checkout down", None)]
    assert client.get(f"/api/v1/incidents/{iid}/timeline", headers=as_admin).json() == before


def test_a_nul_in_a_query_or_path_parameter_is_a_422_naming_it(client, as_admin):
    iid = declare(client, as_admin)
    response = client.delete(f"/api/v1/incidents/{iid}/security?reason=a%00b", headers=as_admin)
    refused(response, "reason", "query", "NUL character")
    response = client.post(f"/api/v1/incidents/{iid}/checklist/a%00b", json={}, headers=as_admin)
    refused(response, "item", "path", "NUL")


# ---- text: the webhooks repair it -------------------------------------------------------------


def _alert_labels(client, headers, incident_id: int) -> list[dict[str, str]]:
    alerts = client.get(f"/api/v1/incidents/{incident_id}/alerts", headers=headers).json()
    return [alert["labels"] for alert in alerts]


@pytest.mark.parametrize(
    ("escape", "stored"), [("\\ud800", "\ufffd"), ("\\u0000", ""), ("\\udc80x", "\ufffdx")]
)
def test_alertmanager_text_the_database_cannot_store_is_repaired_and_the_alert_stored(
    client, as_viewer, escape, stored
):
    text = json.dumps(am("firing_PostgreSQLDown")).replace('"instance": "', f'"instance": "odd{escape}')
    assert escape in text
    response = raw(client, "POST", "/hooks/alertmanager/prom", text, HOOK)
    assert response.status_code == 200, response.text  # never 503 (retried forever) nor 4xx (dropped)
    [labels] = _alert_labels(client, as_viewer, response.json()["incident_id"])
    assert labels["instance"].startswith(f"odd{stored}")
    assert "\x00" not in json.dumps(labels)


def test_grafana_and_generic_webhooks_repair_keys_and_values(client, as_viewer):
    grafana = json.dumps({**am("firing_PostgreSQLDown"), "version": "1"}).replace(
        '"labels": {', '"labels": {"te\\u0000am": "d\\ud83ds",'
    )
    response = raw(client, "POST", "/hooks/grafana/graf", grafana, HOOK)
    assert response.status_code == 200, response.text
    [labels] = _alert_labels(client, as_viewer, response.json()["incident_id"])
    assert labels["team"] == "d\ufffds"
    generic = (
        '{"title": "Disk\\u0000 full \\ud800", "labels": {"host": "db\\udfff1"}, "description": "\\u0000"}'
    )
    response = raw(client, "POST", "/hooks/generic/mon", generic, HOOK)
    assert response.status_code == 200, response.text
    incident = client.get(f"/api/v1/incidents/{response.json()['incident_id']}", headers=as_viewer).json()
    assert incident["title"].startswith("Disk full \ufffd")
    [labels] = _alert_labels(client, as_viewer, incident["id"])
    assert labels["host"] == "db\ufffd1"


def test_a_webhook_with_a_huge_integer_is_a_422_naming_its_path(client):
    body = json.dumps(am("firing_PostgreSQLDown")).replace(
        '"truncatedAlerts": 0', f'"truncatedAlerts": {HUGE}'
    )
    response = raw(client, "POST", "/hooks/alertmanager/prom", body, HOOK)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "$.truncatedAlerts", "in": "body", "message": "a number of 5000 digits is far too large"}
    ]


def test_a_deploy_with_a_nul_is_stored_without_it(client, as_viewer):
    body = '{"service": "api", "version": "v1\\u0000", "environment": "production", "author": "r\\ud800"}'
    response = raw(client, "POST", "/hooks/deploy/ci", body, HOOK)
    assert response.status_code == 201, response.text
    [deploy] = client.get("/api/v1/deploys", headers=as_viewer).json()
    assert (deploy["version"], deploy["author"]) == ("v1", "r\ufffd")
