"""The components' uptime line on the public page: a twelve-minute partial outage reads 99.99 %
and says how long it lasted; an untouched component keeps 100.00 %."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape


def _legends(html: str) -> dict[str, str]:
    """Each component's name -> the middle of its legend (between "90 days ago" and "Today")."""
    found = re.findall(
        r'<strong>([^<]+)</strong>.*?<div class="legend"><span>.*?</span></span><span>(.*?)</span>',
        html,
        flags=re.DOTALL,
    )
    return {name: unescape(legend) for name, legend in found}


def test_minutes_of_partial_outage_move_the_uptime_and_are_counted(client, clock, as_responder):
    response = client.post(
        "/api/v1/incidents", json={"title": "Login errors", "severity": "P1"}, headers=as_responder
    )
    incident = response.json()["id"]
    updates = f"/api/v1/incidents/{incident}/status-updates"
    first = {"status": "investigating", "message": "Login fails for some users.", "components": ["login"]}
    assert client.post(updates, json=first, headers=as_responder).status_code == 201
    clock.advance(timedelta(minutes=12))
    done = {"status": "resolved", "message": "Login works again."}
    assert client.post(updates, json=done, headers=as_responder).status_code == 201
    clock.advance(timedelta(hours=1))

    legends = _legends(client.get("/status/").text)
    assert legends["Login"] == "99.99 % uptime over the last 90 days · 12 min of outage"
    assert legends["API"] == "100.00 % uptime over the last 90 days"
