"""The incident room's "Status updates" panel: draft, publish, post, and a viewer who only reads."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from tocsin.config import Settings
from tocsin.domain.access import SYSTEM, Role
from tocsin.domain.severity import Severity
from tocsin.services.incidents.incidents import (
    close_incident,
    declare_incident,
    get_timeline,
    resolve_incident,
)
from tocsin.services.incidents.postmortem import waive

COMPONENTS = {"login": {"name": "Login"}, "db": {"name": "db-1.internal", "public": False}}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate({"database": {"url": db_url}, "statuspage": {"components": COMPONENTS}})


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _panel(html: str) -> str:
    start = html.index('id="status-updates"')
    return html[start : html.index("</section>", start)]


def test_a_responder_publishes_the_draft_then_posts_an_update(client, as_role, services, responder, clock):
    incident = declare_incident(services, title="Login fail on web-3", severity=Severity.P1, by=responder)
    csrf = as_role(Role.RESPONDER)
    room = f"/incidents/{incident.id}"
    panel = _text(_panel(client.get(room).text))
    assert "A public update is required." in panel
    assert "🔴 Investigating - We are currently investigating issues with our service." in panel
    assert "Publish the draft" in panel

    clock.advance(timedelta(minutes=10))
    published = client.post(
        f"{room}/status-updates",
        data={"status": "investigating", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert published.status_code == 303
    clock.advance(timedelta(minutes=5))
    posted = client.post(
        f"{room}/status-updates",
        data={
            "status": "identified",
            "message": "A database problem.",
            "component": ["login"],
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert posted.status_code == 303
    panel = _text(_panel(client.get(room).text))
    assert "Publish the draft" not in panel
    assert (
        "🔴 Investigating - We are currently investigating issues with our service. "
        "Posted: 2026-11-27 10:10 UTC" in panel
    )
    assert "🟡 Identified - A database problem. Posted: 2026-11-27 10:15 UTC" in panel
    public = client.get("/status/api/v2/incidents.json").json()["incidents"]
    assert [u["body"] for u in public[0]["incident_updates"]] == [
        "A database problem.",
        "We are currently investigating issues with our service.",
    ]
    kinds = [e.kind.value for e in get_timeline(services, incident.id, by=responder)]
    assert kinds.count("status_posted") == 2

    bad = client.post(
        f"{room}/status-updates", data={"status": "bogus", "csrf_token": csrf}, follow_redirects=False
    )
    assert bad.status_code == 303
    assert "unknown" in unescape(client.get(room).text)


def test_posting_needs_the_csrf_token(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P1, by=responder)
    as_role(Role.RESPONDER)
    response = client.post(
        f"/incidents/{incident.id}/status-updates", data={"status": "investigating"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert client.get("/status/api/v2/incidents.json").json()["incidents"] == []


def test_a_viewer_sees_but_cannot_post(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P0, by=responder)
    csrf = as_role(Role.VIEWER)
    panel = _panel(client.get(f"/incidents/{incident.id}").text)
    assert "A public update is required." in panel
    assert "<form" not in panel
    response = client.post(
        f"/incidents/{incident.id}/status-updates",
        data={"status": "investigating", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert client.get("/status/api/v2/incidents.json").json()["incidents"] == []


def test_a_p3_has_no_draft_but_can_still_be_posted(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P3, by=responder)
    as_role(Role.RESPONDER)
    panel = _text(_panel(client.get(f"/incidents/{incident.id}").text))
    assert "Nothing posted on the public status page" in panel
    assert "Post update" in panel
    assert "db-1.internal (internal)" in panel


def test_a_resolved_or_closed_incident_no_longer_asks_to_publish(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P1, by=responder)
    as_role(Role.RESPONDER)
    room = f"/incidents/{incident.id}"
    assert "Publish the draft" in _panel(client.get(room).text)
    resolve_incident(services, incident.id, summary="fixed", by=responder)
    panel = _text(_panel(client.get(room).text))
    assert "Publish the draft" not in panel
    assert "A public update is required." not in panel
    assert "Nothing posted on the public status page for this incident." in panel
    assert "Post update" not in panel  # nothing public to follow up on
    waive(services, incident.id, reason="test incident", by=SYSTEM)
    close_incident(services, incident.id, by=responder)
    assert "Publish the draft" not in _panel(client.get(room).text)


def test_a_public_incident_resolved_in_tocsin_can_still_post(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P1, by=responder)
    csrf = as_role(Role.RESPONDER)
    room = f"/incidents/{incident.id}"
    client.post(f"{room}/status-updates", data={"status": "investigating", "csrf_token": csrf})
    resolve_incident(services, incident.id, summary="fixed", by=responder)
    assert "Post update" in _text(_panel(client.get(room).text))


def test_the_timeline_shows_the_status_in_bold_not_markdown(client, as_role, services, responder):
    incident = declare_incident(services, title="x", severity=Severity.P1, by=responder)
    csrf = as_role(Role.RESPONDER)
    room = f"/incidents/{incident.id}"
    client.post(f"{room}/status-updates", data={"status": "investigating", "csrf_token": csrf})
    html = client.get(room).text
    timeline = html[html.index('class="timeline"') :]
    assert "Status page update posted: 🔴 <strong>Investigating</strong> - We are currently" in timeline
    assert "**" not in timeline
