"""Property, on both databases: API bodies and webhooks with any text and any numbers get an
answer below 500, and the webhooks store what they accept."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from tocsin.config import Settings

TOKEN = "s3cret-token"
HOOK = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=20)
INTS = st.integers() | st.sampled_from([2**31 - 1, 2**31, 2**63, -1, 10**4000])
VALUE = st.none() | st.booleans() | INTS | TEXT | st.lists(TEXT | INTS, max_size=3)
BOUNDED = examples(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {"database": {"url": db_url}, "sources": {"mon": {"kind": "generic", "token": TOKEN}}}
    )


def send(client, method: str, url: str, body, headers):
    content = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \ud800
    return client.request(
        method, url, content=content, headers={**headers, "Content-Type": "application/json"}
    )


@BOUNDED
@given(
    st.fixed_dictionaries(
        {"title": TEXT | INTS, "severity": st.sampled_from(["P0", "p3"]) | TEXT},
        optional={"summary": VALUE, "security": VALUE},
    ),
    st.fixed_dictionaries(
        {"users_affected": INTS | TEXT, "features_down": st.lists(TEXT, max_size=3)},
        optional={"components_down": VALUE, "data_risk": VALUE},
    ),
    TEXT,
)
def test_api_bodies_with_any_text_and_numbers_never_get_a_5xx(client, as_admin, incident, impact, note):
    declared = send(client, "POST", "/api/v1/incidents", incident, as_admin)
    assert declared.status_code in (201, 422), declared.text
    listed = client.get("/api/v1/incidents?limit=1", headers=as_admin)
    assert listed.status_code == 200, listed.text
    if listed.json()["items"]:
        iid = listed.json()["items"][0]["id"]
        for method, url, body in [
            ("POST", f"/api/v1/incidents/{iid}/impact", impact),
            ("POST", f"/api/v1/incidents/{iid}/notes", {"text": note}),
            ("PATCH", f"/api/v1/incidents/{iid}", {"title": note}),
        ]:
            response = send(client, method, url, body, as_admin)
            assert response.status_code < 500, (url, body, response.text)


@BOUNDED
@given(
    st.fixed_dictionaries(
        {"title": TEXT.filter(str.strip)},
        optional={"labels": st.dictionaries(TEXT, TEXT, max_size=3), "description": TEXT, "severity": TEXT},
    )
)
def test_a_generic_alert_with_any_text_is_stored(client, as_viewer, alert):
    response = send(client, "POST", "/hooks/generic/mon", alert, HOOK)
    if response.status_code == 422:  # a title of only NUL characters, once repaired, is empty
        assert not alert["title"].replace("\x00", "").strip(), response.text
        return
    assert response.status_code == 200, response.text
    incident = client.get(f"/api/v1/incidents/{response.json()['incident_id']}", headers=as_viewer)
    assert incident.status_code == 200, incident.text
