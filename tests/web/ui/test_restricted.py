"""Restricted (security) incidents, route by route: every page, fragment and API route of the app
is asked for as a viewer and as a responder, and none says a word of the incident's title,
summary, alerts, notes or impact; the security role and admins read it all; acting on it needs
clearance, except stopping its clock."""

from __future__ import annotations

import copy
import json
import re

import pytest

from tests.intake_fixtures import am
from tests.web.test_app import walk
from tocsin.config import Settings
from tocsin.domain.access import Role
from tocsin.domain.impact import Impact
from tocsin.services.incidents import incidents

TOKEN = "am-token"
MARK = "quokka"  # in every word of the restricted incident; never in a page a viewer gets
SKIPPED = ("/api/v1/docs", "/docs/oauth2-redirect", "/calendar/{token}.ics")


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate(
        {"database": {"url": db_url}, "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}}}
    )


def post_alert(client, body) -> int:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    response = client.post("/hooks/alertmanager/prom", content=json.dumps(body), headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["incident_id"])


@pytest.fixture
def secret(client, services, admin) -> int:
    """An incident opened by a security alert (label ``security="true"``), worked on by an admin:
    every word of it carries MARK."""
    body = copy.deepcopy(am("firing_PostgreSQLDown"))
    alert = body["alerts"][0]
    alert["labels"].update(alertname="QuokkaExfiltration", security="true", host="quokka-db-1")
    alert["annotations"].update(summary="Quokka dump leaving the network", description="quokka details")
    body["commonLabels"] = {}
    body["groupLabels"] = {"alertname": "QuokkaExfiltration"}
    iid = post_alert(client, body)
    incident = incidents.get_incident(services, iid, by=admin)
    assert incident.security, "the security label rule should restrict the incident from the start"
    incidents.acknowledge_incident(services, iid, by=admin)
    incidents.add_note(services, iid, "Quokka note: the dump came from db-1", by=admin)
    impact = Impact(users_affected=12, features_down=("quokka-export",), data_risk=True)
    incidents.assess_impact(services, iid, impact, by=admin)
    incidents.resolve_incident(services, iid, summary="Quokka credentials rotated", by=admin)
    return iid


def _get_routes(app) -> list[str]:
    paths = []
    for route in walk(app.routes):
        if "GET" not in (route.methods or ()) or route.path in SKIPPED or route.path.startswith("/status"):
            continue
        paths.append(route.path)
    return sorted(set(paths))


def _url(path: str, iid: int) -> str:
    return re.sub(r"\{[^}]+\}", str(iid), path.replace("{incident_id}", str(iid)))


@pytest.mark.parametrize("role", [Role.VIEWER, Role.RESPONDER])
def test_no_route_tells_a_restricted_incident_to_a_viewer_or_a_responder(
    app, client, as_role, tokens, secret, role
):
    as_role(role)
    routes = _get_routes(app)
    # the walk is not vacuous: the room, its fragments and the API's incident routes are in it
    assert {
        "/incidents/{incident_id}",
        "/incidents/{incident_id}/timeline",
        "/incidents/{incident_id}/alerts",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents/{incident_id}/timeline",
        "/api/v1/incidents/{incident_id}/report.md",
    } <= set(routes)
    urls = [_url(path, secret) for path in routes] + ["/api/v1/incidents?limit=200"]
    statuses = {}
    for url in urls:
        response = client.get(url, headers=tokens[role])
        assert response.status_code < 500, (url, response.text[:300])
        assert MARK not in response.text.lower(), (url, response.status_code)
        assert "exfiltration" not in response.text.lower(), url
        statuses[url] = response.status_code
    # its details are not there for this reader: 404, as if they did not exist
    for detail in ("timeline", "alerts", "postmortem", "report.md", "checklist", "compliance", "escalation"):
        assert statuses[f"/api/v1/incidents/{secret}/{detail}"] == 404, detail
    for fragment in ("timeline", "alerts", "postmortem", "report.md"):
        assert statuses[f"/incidents/{secret}/{fragment}"] == 404, fragment
    # ... while the incident itself is listed and shown as restricted, with its clock
    shown = client.get(f"/api/v1/incidents/{secret}", headers=tokens[role]).json()
    assert shown["title"] == f"Restricted incident #{secret} (P0)"
    assert (shown["restricted"], shown["security"], shown["summary"]) == (True, True, "")
    assert shown["impact"]["features_down"] == []
    assert shown["alerts"]["total"] == 0
    assert shown["sla"]["due_at"]
    assert shown["phase"] == "post_incident"
    # searching its words finds nothing (its number still finds its restricted row)
    for words in (MARK, "Exfiltration", "credentials rotated"):
        found = client.get("/incidents", params={"q": words, "state": "all"}).text
        assert f'<span class="inc-id">#{secret}</span>' not in found, words
    found = client.get("/incidents", params={"q": f"#{secret}", "state": "all"}).text
    assert f"Restricted incident #{secret} (P0)" in found
    room = client.get(f"/incidents/{secret}").text
    assert f"Restricted incident #{secret} (P0)" in room
    assert "Response clock" in room
    listed = client.get("/api/v1/incidents", headers=tokens[role]).json()["items"]
    assert [i["title"] for i in listed] == [f"Restricted incident #{secret} (P0)"]
    assert f"Restricted incident #{secret}" in client.get("/incidents?state=all").text


@pytest.mark.parametrize("role", [Role.SECURITY, Role.ADMIN])
def test_the_security_role_and_admins_read_everything(client, as_role, tokens, secret, role):
    as_role(role)
    room = client.get(f"/incidents/{secret}").text.lower()
    assert "quokka note" in room
    assert "quokkaexfiltration" in room
    shown = client.get(f"/api/v1/incidents/{secret}", headers=tokens[role]).json()
    assert shown["restricted"] is False
    assert "Quokka" in shown["title"]
    timeline = client.get(f"/api/v1/incidents/{secret}/timeline", headers=tokens[role])
    assert timeline.status_code == 200
    assert MARK in timeline.text.lower()
    found = client.get("/incidents", params={"q": "Exfiltration", "state": "all"}).text
    assert f'<span class="inc-id">#{secret}</span>' in found


def test_acting_on_a_restricted_incident_needs_clearance_but_anyone_paged_may_stop_its_clock(
    client, tokens, services, admin
):
    responder = tokens[Role.RESPONDER]
    created = client.post(
        "/api/v1/incidents",
        json={"title": "Quokka ransom note", "severity": "P1", "security": True},
        headers=responder,
    )
    assert created.status_code == 201, created.text
    iid = created.json()["id"]
    assert created.json()["title"] == f"Restricted incident #{iid} (P1)"  # the declarer's own view
    base = f"/api/v1/incidents/{iid}"
    refused = [
        client.post(f"{base}/notes", json={"text": "x"}, headers=responder),
        client.patch(base, json={"severity": "P0", "reason": "worse"}, headers=responder),
        client.post(f"{base}/resolve", json={}, headers=responder),
        client.post(f"{base}/checklist/1.1", json={"done": True}, headers=responder),
        client.post(f"{base}/status-updates", json={"status": "investigating"}, headers=responder),
    ]
    assert [r.status_code for r in refused] == [404] * len(refused), [r.text for r in refused]
    assert all(MARK not in r.text.lower() for r in refused)
    acked = client.post(f"{base}/acknowledge", headers=responder)
    assert acked.status_code == 200
    assert (acked.json()["phase"], acked.json()["restricted"]) == ("triage", True)
    # the security role works on it
    note = client.post(f"{base}/notes", json={"text": "isolated the host"}, headers=tokens[Role.SECURITY])
    assert note.status_code == 201
    assert incidents.get_incident(services, iid, by=admin).title == "Quokka ransom note"


def test_lifting_the_restriction_takes_an_admin_and_a_reason(client, tokens):
    created = client.post(
        "/api/v1/incidents",
        json={"title": "Odd logins", "severity": "P2", "security": True},
        headers=tokens[Role.SECURITY],
    )
    iid = created.json()["id"]
    url = f"/api/v1/incidents/{iid}/security"
    assert (
        client.delete(url, params={"reason": "a pentest"}, headers=tokens[Role.SECURITY]).status_code == 403
    )
    assert client.delete(url, headers=tokens[Role.ADMIN]).status_code == 422
    lifted = client.delete(url, params={"reason": "the scheduled pentest"}, headers=tokens[Role.ADMIN])
    assert lifted.status_code == 200, lifted.text
    seen = client.get(f"/api/v1/incidents/{iid}", headers=tokens[Role.VIEWER]).json()
    assert (seen["title"], seen["security"], seen["restricted"]) == ("Odd logins", False, False)
    timeline = client.get(f"/api/v1/incidents/{iid}/timeline", headers=tokens[Role.VIEWER]).json()
    assert timeline[-1]["kind"] == "security_unmarked"
    assert "the scheduled pentest" in timeline[-1]["text"]
    # marking again, with a reason, by a responder
    marked = client.post(url, json={"reason": "not a pentest after all"}, headers=tokens[Role.RESPONDER])
    assert marked.status_code == 200
    assert marked.json()["restricted"] is True


def test_the_declare_form_declares_a_security_incident(client, as_role, services, admin):
    token = as_role(Role.RESPONDER)
    response = client.post(
        "/incidents/new",
        data={"title": "Quokka phishing wave", "severity": "P2", "security": "1", "csrf_token": token},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "a security incident, restricted to the security role and admins" in response.text
    assert MARK not in response.text.lower()
    (found,) = incidents.list_incidents(services, incidents.IncidentFilter(), by=admin).items
    assert found.security
    assert found.title == "Quokka phishing wave"
