"""The done-when of issue 8: a P1 with two updates appears on the page and in summary.json
exactly as the plan's Status Page Update template reads; nothing internal leaks."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient

from tocsin.adapters.clock import ManualClock


def _declare(client: TestClient, headers: dict[str, str], severity: str = "P1") -> int:
    body = {
        "title": "LoginFailures on web-3.prod.koprogo.lan",
        "severity": severity,
        "summary": "instance=10.0.3.7:9100 job=node",
    }
    response = client.post("/api/v1/incidents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _two_updates(client: TestClient, clock: ManualClock, headers: dict[str, str]) -> int:
    incident_id = _declare(client, headers)
    clock.advance(timedelta(minutes=30))  # 10:30
    first = {
        "status": "investigating",
        "message": "We are currently investigating issues with login functionality.",
        "components": ["login"],
    }
    response = client.post(f"/api/v1/incidents/{incident_id}/status-updates", json=first, headers=headers)
    assert response.status_code == 201, response.text
    clock.advance(timedelta(minutes=5))  # 10:35
    second = {
        "status": "identified",
        "message": "The issue has been identified as a database connection problem.",
    }
    response = client.post(f"/api/v1/incidents/{incident_id}/status-updates", json=second, headers=headers)
    assert response.status_code == 201, response.text
    return incident_id


ICONS = {"investigating": "🔴", "identified": "🟡"}
PLAN_TEMPLATE = (
    "🔴 **Investigating** - We are currently investigating issues with login functionality.\n"
    "Posted: 2026-11-27 10:30 UTC\n"
    "🟡 **Identified** - The issue has been identified as a database connection problem.\n"
    "Posted: 2026-11-27 10:35 UTC"
)


def test_a_p1_with_two_updates_reads_like_the_plan_template(client, clock, as_responder):
    incident_id = _two_updates(client, clock, as_responder)
    posted = client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "monitoring", "message": "x"},
        headers={},
    )
    assert posted.status_code == 401
    page = client.get("/status/")
    assert page.status_code == 200
    text = _text(page.text)
    assert (
        "🔴 Investigating - We are currently investigating issues with login functionality. "
        "Posted: 2026-11-27 10:30 UTC 🟡 Identified - The issue has been identified as a database "
        "connection problem. Posted: 2026-11-27 10:35 UTC"
    ) in text
    assert "Partial System Outage" in text
    summary = client.get("/status/api/v2/summary.json").json()
    [incident] = summary["incidents"]
    updates = sorted(incident["incident_updates"], key=lambda u: u["display_at"])
    rendered = "\n".join(
        f"{ICONS[u['status']]} **{u['status'].capitalize()}** - {u['body']}\n"
        f"Posted: {u['display_at'][:10]} {u['display_at'][11:16]} UTC"
        for u in updates
    )
    assert rendered == PLAN_TEMPLATE
    assert incident["impact"] == "major"
    assert incident["status"] == "identified"
    login = next(c for c in summary["components"] if c["name"] == "Login")
    assert login["status"] == "partial_outage"
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}


def test_the_api_returns_the_template_rendering(client, clock, as_responder):
    incident_id = _two_updates(client, clock, as_responder)
    clock.advance(timedelta(minutes=10))
    response = client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "resolved", "message": "The login functionality has been restored."},
        headers=as_responder,
    )
    assert response.json()["rendered"] == (
        PLAN_TEMPLATE
        + "\n🟢 **Resolved** - The login functionality has been restored.\nPosted: 2026-11-27 10:45 UTC"
    )
    summary = client.get("/status/api/v2/summary.json").json()
    assert summary["incidents"] == []
    assert all(c["status"] == "operational" for c in summary["components"])
    history = _text(client.get("/status/history").text)
    assert "🟢 Resolved - The login functionality has been restored." in history


def test_nothing_internal_leaks(client, clock, as_responder):
    incident_id = _two_updates(client, clock, as_responder)
    note = client.post(
        f"/api/v1/incidents/{incident_id}/notes",
        json={"text": "private: rita restarted pgbouncer"},
        headers=as_responder,
    )
    assert note.status_code in (200, 201)
    client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={
            "status": "monitoring",
            "message": "A fix is in place.",
            "components": {"db_primary": "major_outage"},
        },
        headers=as_responder,
    )
    maintenance = client.post(
        "/api/v1/maintenances",
        json={
            "name": "Database upgrade",
            "message": "We will upgrade our database.",
            "scheduled_for": "2026-11-27T11:00:00Z",
            "scheduled_until": "2026-11-27T12:00:00Z",
            "components": ["db_primary", "api"],
        },
        headers=as_responder,
    )
    assert maintenance.status_code == 201, maintenance.text
    client.post(
        f"/api/v1/maintenances/{maintenance.json()['id']}/updates",
        json={"status": "in_progress", "message": "Under way."},
        headers=as_responder,
    )
    public_id = client.get("/status/api/v2/incidents.json").json()["incidents"][0]["id"]
    bodies = [
        client.get(path).text
        for path in (
            "/status/",
            "/status/history",
            f"/status/incidents/{public_id}",
            "/status/api/v2/summary.json",
            "/status/api/v2/incidents.json",
            "/status/api/v2/components.json",
            "/status/api/v2/scheduled-maintenances.json",
            "/status/api/v2/scheduled-maintenances/active.json",
        )
    ]
    assert "Database upgrade" in bodies[0]
    for body in bodies:
        for secret in (
            "web-3",
            "koprogo.lan",
            "10.0.3.7",
            "instance",
            "LoginFailures",
            "rita",
            "pgbouncer",
            "db-primary",
            "db_primary",
            "private",
        ):
            assert secret not in body


def test_drafts_are_not_public_and_the_draft_can_be_published(client, clock, as_responder):
    incident_id = _declare(client, as_responder, "P0")
    assert client.get("/status/api/v2/incidents.json").json()["incidents"] == []
    timeline = client.get(f"/api/v1/incidents/{incident_id}/timeline", headers=as_responder).json()
    assert any(e["kind"] == "status_drafted" for e in timeline)
    clock.advance(timedelta(minutes=4))
    response = client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "investigating"},
        headers=as_responder,
    )
    assert response.status_code == 201
    assert response.json()["updates"][0]["body"] == "We are currently investigating issues with our service."
    timeline = client.get(f"/api/v1/incidents/{incident_id}/timeline", headers=as_responder).json()
    posted = [e for e in timeline if e["kind"] == "status_posted"]
    assert posted[0]["data"]["time_to_first_public_update_seconds"] == 240


def test_severity_sets_component_status_unless_overridden(client, clock, as_responder):
    incident_id = _declare(client, as_responder, "P0")
    url = f"/api/v1/incidents/{incident_id}/status-updates"
    client.post(
        url, json={"status": "investigating", "message": "Down.", "components": ["api"]}, headers=as_responder
    )
    assert _status_of(client, "API") == "major_outage"
    client.post(
        url,
        json={"status": "identified", "message": "Better.", "components": {"api": "degraded_performance"}},
        headers=as_responder,
    )
    assert _status_of(client, "API") == "degraded_performance"
    bad = client.post(
        url, json={"status": "identified", "message": "x", "components": ["nope"]}, headers=as_responder
    )
    assert bad.status_code == 422


def _status_of(client: TestClient, name: str) -> str:
    components = client.get("/status/api/v2/components.json").json()["components"]
    return str(next(c["status"] for c in components if c["name"] == name))


def test_etag_304_and_cache_control(client, clock, as_responder):
    first = client.get("/status/api/v2/status.json")
    assert first.headers["cache-control"].startswith("public, max-age=")
    etag = first.headers["etag"]
    again = client.get("/status/api/v2/status.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    incident_id = _declare(client, as_responder, "P0")
    client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "investigating", "message": "Down.", "components": ["api"]},
        headers=as_responder,
    )
    changed = client.get("/status/api/v2/status.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["status"]["indicator"] == "critical"


def test_the_page_works_without_javascript_and_unknown_paths_are_404(client):
    page = client.get("/status/")
    assert "<script" not in page.text
    assert 'lang="en"' in page.text
    assert "viewport" in page.text
    assert "All Systems Operational" in page.text
    assert client.get("/status/incidents/nothere").status_code == 404
    assert client.get("/status/api/v2/nothing.json").status_code == 404
    assert client.get("/status", follow_redirects=False).status_code == 308


def test_atom_and_rss_feeds_list_the_incident_history(client, clock, as_responder):
    import xml.etree.ElementTree as ET

    _two_updates(client, clock, as_responder)
    atom = client.get("/status/history.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(atom.content)
    [entry] = feed.findall("a:entry", ns)
    assert entry.findtext("a:title", namespaces=ns) == "Partial outage: Login"
    content = entry.findtext("a:content", namespaces=ns)
    assert "🟡 <strong>Identified</strong> - The issue has been identified" in content
    rss = ET.fromstring(client.get("/status/history.rss").content)
    assert [i.findtext("title") for i in rss.iter("item")] == ["Partial outage: Login"]
    assert "LoginFailures" not in atom.text


def test_the_page_speaks_the_browsers_language_and_keeps_utc(client, clock, as_responder):
    """French for a browser that asks for it (the cache holds one rendering per language and
    says so with Vary); the times stay UTC, as the plan's template writes them."""
    _two_updates(client, clock, as_responder)
    english = client.get("/status/")
    french = client.get("/status/", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert french.headers["vary"] == english.headers["vary"] == "Accept-Language"
    assert '<html lang="fr">' in french.text
    assert '<html lang="en">' in english.text
    text = _text(french.text)
    assert "Investigation en cours - We are currently investigating" in text  # the body as posted
    assert "Publié : 2026-11-27 10:30 UTC" in text
    assert "Panne partielle du système" in text
    assert "Toutes les heures sont en UTC." in text
    assert english.headers["etag"] != french.headers["etag"]
    again = client.get("/status/", headers={"If-None-Match": french.headers["etag"], "Accept-Language": "fr"})
    assert again.status_code == 304
    assert "Partial System Outage" in _text(client.get("/status/").text)  # English still cached apart
