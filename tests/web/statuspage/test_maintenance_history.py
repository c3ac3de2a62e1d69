"""Completed maintenance on /status/history (14 days) and every maintenance in the Atom and RSS
feeds, merged with the incidents; internal components never named."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape

from fastapi.testclient import TestClient

from tocsin.adapters.clock import ManualClock

PAGE = "https://status.koprogo.com/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
MIGRATION = {
    "name": "Payment provider migration",
    "message": "We will migrate to a new payment provider.",
    "scheduled_for": "2026-11-28T22:00:00Z",
    "scheduled_until": "2026-11-28T23:30:00Z",
    "components": ["payments", "db_primary"],
}
UPGRADE = {
    "name": "Login upgrade",
    "message": "Sign-in will be read-only for a few minutes.",
    "scheduled_for": "2026-12-05T06:00:00Z",
    "scheduled_until": "2026-12-05T06:30:00Z",
    "components": ["login"],
}


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _schedule(client: TestClient, headers: dict[str, str], window: dict[str, object]) -> str:
    response = client.post("/api/v1/maintenances", json=window, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _advance(
    client: TestClient, headers: dict[str, str], maintenance_id: str, status: str, message: str
) -> None:
    response = client.post(
        f"/api/v1/maintenances/{maintenance_id}/updates",
        json={"status": status, "message": message},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def _completed_migration(client: TestClient, clock: ManualClock, headers: dict[str, str]) -> str:
    migration = _schedule(client, headers, MIGRATION)  # 2026-11-27 10:00
    clock.advance(timedelta(hours=36))
    _advance(client, headers, migration, "in_progress", "Under way.")  # 2026-11-28 22:00
    clock.advance(timedelta(hours=1))
    _advance(client, headers, migration, "completed", "All done.")  # 2026-11-28 23:00
    return migration


def _incident(client: TestClient, headers: dict[str, str]) -> None:
    incident_id = client.post(
        "/api/v1/incidents", json={"title": "LoginFailures on web-3", "severity": "P1"}, headers=headers
    ).json()["id"]
    response = client.post(
        f"/api/v1/incidents/{incident_id}/status-updates",
        json={"status": "investigating", "message": "Sign-in fails.", "components": ["login"]},
        headers=headers,
    )
    assert response.status_code == 201, response.text


def test_completed_maintenance_is_on_the_history_page(client, clock, as_responder):
    migration = _completed_migration(client, clock, as_responder)
    _schedule(client, as_responder, UPGRADE)
    response = client.get("/status/history")
    assert f'id="maintenance-{migration}"' in response.text
    history = _text(response.text)
    assert "Completed maintenance (14 days)" in history
    assert "Payment provider migration" in history
    assert "Scheduled: 2026-11-28 22:00 – 2026-11-28 23:30 UTC · Affects: Payments" in history
    for line in (
        "🗓️ Scheduled - We will migrate to a new payment provider. Posted: 2026-11-27 10:00 UTC",
        "🔧 In progress - Under way. Posted: 2026-11-28 22:00 UTC",
        "🟢 Completed - All done. Posted: 2026-11-28 23:00 UTC",
    ):
        assert line in history
    assert "Login upgrade" not in history  # upcoming: on the front page, not in the history
    assert "primary" not in response.text  # neither db_primary nor db-primary.internal
    assert "Login upgrade" in _text(client.get("/status/").text)


def test_maintenance_leaves_the_history_page_after_14_days(client, app, clock, as_responder):
    _completed_migration(client, clock, as_responder)
    clock.advance(timedelta(days=13))
    assert "Payment provider migration" in client.get("/status/history").text
    clock.advance(timedelta(days=2))
    app.state.statuspage_cache.invalidate()  # a fresh render: only the clock moved
    history = _text(client.get("/status/history").text)
    assert "Payment provider migration" not in history
    assert "No maintenance completed in the last 14 days." in history


def test_feeds_list_maintenance_with_incidents_newest_first(client, clock, as_responder):
    migration = _completed_migration(client, clock, as_responder)  # announced 2026-11-27 10:00
    clock.advance(timedelta(hours=1))
    _incident(client, as_responder)  # posted 2026-11-29 00:00
    clock.advance(timedelta(hours=1))
    upgrade = _schedule(client, as_responder, UPGRADE)  # announced 2026-11-29 01:00

    atom = client.get("/status/history.atom")
    assert atom.status_code == 200
    feed = ET.fromstring(atom.content)
    entries = feed.findall("a:entry", ATOM)
    assert [e.findtext("a:title", namespaces=ATOM) for e in entries] == [
        "Maintenance: Login upgrade",
        "Partial outage: Login",
        "Maintenance: Payment provider migration",
    ]
    done = entries[2]
    assert done.findtext("a:id", namespaces=ATOM) == f"urn:tocsin:maintenance:{migration}"
    link = done.find("a:link", ATOM)
    assert link is not None
    assert link.get("href") == f"{PAGE}history#maintenance-{migration}"
    assert done.findtext("a:published", namespaces=ATOM) == "2026-11-27T10:00:00.000Z"
    assert done.findtext("a:updated", namespaces=ATOM) == "2026-11-28T23:00:00.000Z"
    content = done.findtext("a:content", namespaces=ATOM) or ""
    assert "Scheduled: 2026-11-28 22:00 – 2026-11-28 23:30 UTC<br>Affects: Payments" in content
    assert "🔧 <strong>In progress</strong> - Under way.<br>Posted: 2026-11-28 22:00 UTC" in content
    assert content.index("Scheduled</strong>") < content.index("Completed</strong>")
    assert entries[0].findtext("a:id", namespaces=ATOM) == f"urn:tocsin:maintenance:{upgrade}"

    rss = client.get("/status/history.rss")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == [
        "Maintenance: Login upgrade",
        "Partial outage: Login",
        "Maintenance: Payment provider migration",
    ]
    assert items[2].findtext("guid") == f"urn:tocsin:maintenance:{migration}"
    assert items[2].findtext("link") == f"{PAGE}history#maintenance-{migration}"
    assert items[0].findtext("link") == f"{PAGE}#maintenance-{upgrade}"
    assert "🟢 <strong>Completed</strong> - All done." in (items[2].findtext("description") or "")
    for body in (atom.text, rss.text):
        assert "primary" not in body  # neither db_primary nor db-primary.internal
        assert "LoginFailures" not in body


def test_many_announcements_do_not_push_recent_maintenance_out_of_the_history(client, clock, as_responder):
    _completed_migration(client, clock, as_responder)  # completed 2026-11-28 23:00
    for week in range(60):  # a year of weekly windows announced ahead, all later than the migration
        start = clock.now() + timedelta(days=7 * (week + 1))
        window = {
            "name": f"Weekly patching {week}",
            "message": "Rolling restarts.",
            "scheduled_for": start.isoformat(),
            "scheduled_until": (start + timedelta(hours=1)).isoformat(),
            "components": ["api"],
        }
        _schedule(client, as_responder, window)

    history = _text(client.get("/status/history").text)
    front = _text(client.get("/status/").text)

    assert "Payment provider migration" in history
    assert "Weekly patching 0" in front
    assert "Weekly patching 59" in front
