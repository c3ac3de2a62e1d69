"""Webhook subscribers (operator-configured) against a real HTTP server on 127.0.0.1: every
public update is POSTed as signed JSON by a durable job; a failing receiver is retried."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.paging_plan import drain
from tests.web.statuspage.conftest import COMPONENTS
from tocsin.adapters.channels.webhook import verify
from tocsin.config import Settings

SECRET = "status-hook-secret"


class Receiver:
    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    self.send_response(503)
                else:
                    receiver.received.append((dict(self.headers.items()), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def settings(db_url, receiver):
    return Settings.model_validate(
        {
            "database": {"url": db_url},
            "statuspage": {
                "name": "KoproGo Status",
                "url": "https://status.koprogo.com/",
                "components": COMPONENTS,
                "webhooks": {"urls": [receiver.url], "secret": SECRET},
            },
        }
    )


def test_every_public_update_is_posted_signed(client, container, clock, receiver, as_responder):
    incident_id = client.post(
        "/api/v1/incidents",
        json={"title": "LoginFailures on web-3.prod.koprogo.lan", "severity": "P1"},
        headers=as_responder,
    ).json()["id"]
    url = f"/api/v1/incidents/{incident_id}/status-updates"
    client.post(
        url,
        json={"status": "investigating", "message": "Looking.", "components": ["login", "db_primary"]},
        headers=as_responder,
    )
    drain(container)
    clock.advance(timedelta(minutes=5))
    client.post(url, json={"status": "resolved", "message": "Fixed."}, headers=as_responder)
    drain(container)
    assert len(receiver.received) == 2
    for headers, body in receiver.received:
        assert verify(SECRET, headers["X-Tocsin-Timestamp"], body, headers["X-Tocsin-Signature"])
        assert headers["Content-Type"] == "application/json"
        assert headers["X-Tocsin-Event"] == "incident_update"
    first, second = (json.loads(body) for _, body in receiver.received)
    assert first["update"]["status"] == "investigating"
    assert first["update"]["rendered"].startswith("🔴 **Investigating** - Looking.")
    assert first["incident"]["components"] == ["Login"]
    assert second["update"]["status"] == "resolved"
    assert receiver.received[0][0]["X-Tocsin-Delivery"] == f"{first['id']}:0"
    raw = b"".join(body for _, body in receiver.received)
    for secret in (b"web-3", b"koprogo.lan", b"LoginFailures", b"db_primary", b"db-primary"):
        assert secret not in raw


def test_a_failing_receiver_is_retried_and_maintenance_is_posted(
    client, container, clock, receiver, as_responder
):
    receiver.fail_next = 1
    created = client.post(
        "/api/v1/maintenances",
        json={
            "name": "Upgrade",
            "message": "Planned.",
            "scheduled_for": "2026-12-01T22:00:00Z",
            "scheduled_until": "2026-12-01T23:00:00Z",
            "components": ["api"],
        },
        headers=as_responder,
    )
    assert created.status_code == 201, created.text
    drain(container)
    assert receiver.received == []
    clock.advance(timedelta(minutes=5))
    drain(container)
    [(headers, body)] = receiver.received
    assert headers["X-Tocsin-Event"] == "maintenance_update"
    document = json.loads(body)
    assert document["scheduled_maintenance"]["status"] == "scheduled"
    assert document["scheduled_maintenance"]["components"] == ["API"]
