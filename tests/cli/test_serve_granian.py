"""``server.engine: granian``: the same ``tocsin serve`` on granian instead of uvicorn — it
takes webhooks, believes X-Forwarded-For only from a trusted proxy (the per-client limits key
on it), and stops cleanly on SIGTERM."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.cli.test_serve_crash import Tocsin, post, webhook
from tests.live_server import free_port

pytest.importorskip("granian")

TOKEN = "storm-token"  # the one test_serve_crash.post sends
SUBSCRIBE_LIMIT = 5  # per client and 10 minutes (web/statuspage/subscribe.py)


@pytest.fixture
def granian(db_url, tmp_path):
    port = free_port()
    config = {
        "database": {"url": db_url},
        "server": {"port": port, "base_url": f"http://127.0.0.1:{port}", "engine": "granian"},
        "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}},
        "logging": {"level": "WARNING"},
    }
    path = tmp_path / "tocsin.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    server = Tocsin(path, port, tmp_path / "serve.log").start()
    yield server
    server.stop()


def _subscribe(base: str, forwarded_for: str, n: int) -> int:
    response = httpx.post(
        f"{base}/status/subscribe",
        data={"email": f"reader{n}@example.org"},
        headers={"X-Forwarded-For": forwarded_for},
    )
    return response.status_code


def test_granian_serves_tocsin_and_stops_on_sigterm(granian):
    assert post(granian.url, webhook(0, 0)) == 200
    assert post(granian.url, {"alerts": "nope"}) == 422
    # from the trusted proxy (127.0.0.1): each forwarded client has its own limit
    statuses = [_subscribe(granian.url, "203.0.113.7", n) for n in range(SUBSCRIBE_LIMIT + 1)]
    assert statuses == [200] * SUBSCRIBE_LIMIT + [429]
    assert _subscribe(granian.url, "203.0.113.8", 99) == 200
    assert granian.proc is not None
    granian.proc.terminate()
    assert granian.proc.wait(timeout=15) == 0
