"""The baseline of ``bench/ingest.py``: a minimal ASGI app that does the least an alert
receiver must do — read the body, parse the Alertmanager JSON, commit one SQLite row per
request (WAL, synchronous=NORMAL, like tocsin) — and answers 200. No framework, no auth, no
grouping. Run: ``BASELINE_DB=/tmp/x.db uvicorn bench.baseline_ingest:app``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from typing import Any

_local = threading.local()


def _db() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = sqlite3.connect(os.environ["BASELINE_DB"], isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS notifications"
            " (id INTEGER PRIMARY KEY, group_key TEXT, alerts INTEGER)"
        )
        _local.conn = conn
    return conn


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    data = json.loads(body)
    fingerprints = [alert["fingerprint"] for alert in data["alerts"]]
    conn = _db()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO notifications (group_key, alerts) VALUES (?, ?)", (data["groupKey"], len(fingerprints))
    )
    conn.execute("COMMIT")
    reply = b'{"status":"ok"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(reply)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": reply})
