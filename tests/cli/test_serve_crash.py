"""``tocsin serve`` SIGKILLed in the middle of an alert storm, then started again.

A real process (uvicorn, the embedded worker) over the test's database, SQLite and PostgreSQL.
Eight senders post Alertmanager webhooks (20 groups, each re-sent with a growing list of
alerts, as Alertmanager does); the process is killed with SIGKILL once 40 of them have been
answered. It is started again, and every webhook that did not get a 2xx is sent again (as
Alertmanager does). Then: every alert that got a 2xx is stored exactly once, every group has
exactly one incident, every incident is consistent (its tally, its one "declared" line, its
response-time timer), and the killed worker's jobs are done again within seconds.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.live_server import free_port
from tocsin.adapters.db.schema import alert_groups, alerts, incidents, jobs, timeline_events

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "storm-token"
GROUPS, ROUNDS, PER_ROUND = 20, 6, 5
KILL_AFTER = 40
LEASE = 2.0


def webhook(group: int, round_: int) -> dict:
    """Alertmanager's notification for ``group`` at its ``round_``-th group_interval: every
    alert of the group so far (Alertmanager sends the whole group each time)."""
    common = {"alertname": f"Storm{group:02d}", "cluster": "koprogo-vps", "component": "database"}
    group_alerts = [
        {
            "status": "firing",
            "labels": {**common, "severity": "warning", "instance": f"db-{n}"},
            "annotations": {"summary": f"storm {group}/{n}"},
            "startsAt": "2026-11-26T21:46:44Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph",
            "fingerprint": f"{group:04x}{n:012x}",
        }
        for n in range((round_ + 1) * PER_ROUND)
    ]
    return {
        "receiver": "tocsin",
        "status": "firing",
        "alerts": group_alerts,
        "groupLabels": common,
        "commonLabels": {**common, "severity": "warning"},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:19093",
        "version": "4",
        "groupKey": "{}/{}:" + json.dumps(common, sort_keys=True),
        "truncatedAlerts": 0,
    }


class Tocsin:
    """``python -m tocsin serve`` from this checkout, on ``port``, logging to ``log``."""

    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.env = {**os.environ, "TOCSIN_CONFIG": str(config), "PYTHONPATH": str(ROOT / "src")}
        self.env = {k: v for k, v in self.env.items() if k == "TOCSIN_CONFIG" or not k.startswith("TOCSIN_")}
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Tocsin:
        with self.log.open("ab") as sink:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tocsin", "serve"], env=self.env, stdout=sink, stderr=sink
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            time.sleep(0.1)
        raise AssertionError("tocsin serve did not become ready: " + self.log.read_text()[-3000:])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def tocsin(db_url, tmp_path):
    port = free_port()
    config = {
        "database": {"url": db_url},
        "server": {"port": port, "base_url": f"http://127.0.0.1:{port}"},
        "sources": {"prom": {"kind": "alertmanager", "token": TOKEN}},
        "worker": {"lease_seconds": LEASE, "poll_interval_seconds": 0.2},
        "logging": {"level": "WARNING"},
    }
    path = tmp_path / "tocsin.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    server = Tocsin(path, port, tmp_path / "serve.log")
    yield server
    server.stop()


def post(url: str, body: dict) -> int | None:
    """The status Alertmanager would see; None when no answer came (connection lost)."""
    try:
        response = httpx.post(
            f"{url}/hooks/alertmanager/prom",
            json=body,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
    except httpx.TransportError:
        return None
    return response.status_code


def test_sigkill_mid_storm_then_restart_loses_and_duplicates_nothing(tocsin, db_url):
    storm = [(g, r) for r in range(ROUNDS) for g in range(GROUPS)]
    answered: dict[tuple[int, int], int | None] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def send(item: tuple[int, int]) -> None:
        status = None if killed.is_set() else post(tocsin.url, webhook(*item))
        with lock:
            answered[item] = status
            if sum(1 for s in answered.values() if s == 200) >= KILL_AFTER and not killed.is_set():
                killed.set()
                tocsin.kill()  # mid-storm: other senders have requests in flight

    tocsin.start()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(send, storm))
    assert killed.is_set()
    acked = {item for item, status in answered.items() if status == 200}
    assert KILL_AFTER <= len(acked) < len(storm)
    assert all(status in (200, None, 503) for status in answered.values()), Counter(answered.values())

    tocsin.start()
    restarted = time.monotonic()
    for item in storm:  # Alertmanager retries what it got no 2xx for, until it does
        if item not in acked:
            for _ in range(20):
                if post(tocsin.url, webhook(*item)) == 200:
                    break
                time.sleep(0.2)
            else:
                pytest.fail(f"webhook {item} never got a 2xx after the restart")

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        while time.monotonic() - restarted < 30 and _unfinished(engine):
            time.sleep(0.2)
        jobs_back_after = time.monotonic() - restarted
        _assert_consistent(engine, acked)
    finally:
        engine.dispose()
    assert not _unfinished_any(db_url)
    assert jobs_back_after < 5 * LEASE + 5  # the killed worker's claims come back after one short lease
    done = f"jobs all done {jobs_back_after:.1f} s after restart"
    print(f"\nkilled after {len(acked)} of {len(storm)} webhooks; {done}")


def _unfinished(engine: sa.Engine) -> int:
    """Jobs due by now still pending, or running (a killed worker's leases)."""
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).where(
            jobs.c.kind != "sla.ack_deadline", jobs.c.status.in_(("pending", "running"))
        )
        return int(conn.execute(query).scalar_one())


def _unfinished_any(db_url: str) -> int:
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        return _unfinished(engine)
    finally:
        engine.dispose()


def _assert_consistent(engine: sa.Engine, acked: set[tuple[int, int]]) -> None:
    with engine.connect() as conn:
        stored = Counter(r.fingerprint for r in conn.execute(sa.select(alerts.c.fingerprint)))
        groups = conn.execute(sa.select(alert_groups)).mappings().all()
        open_incidents = conn.execute(sa.select(incidents.c.id, incidents.c.alert_group)).all()
        per_incident = Counter(r.incident_id for r in conn.execute(sa.select(alerts.c.incident_id)))
        firing = Counter(
            r.incident_id
            for r in conn.execute(sa.select(alerts.c.incident_id).where(alerts.c.status == "firing"))
        )
        declared = Counter(
            r.incident_id
            for r in conn.execute(
                sa.select(timeline_events.c.incident_id).where(timeline_events.c.kind == "declared")
            )
        )
        timers = Counter(
            json.loads(r.payload)["incident_id"] if isinstance(r.payload, str) else r.payload["incident_id"]
            for r in conn.execute(sa.select(jobs.c.payload).where(jobs.c.kind == "sla.ack_deadline"))
        )

    # every alert of a webhook that got a 2xx, and (after the resends) every alert sent: once
    got_2xx = {f"{g:04x}{n:012x}" for g, r in acked for n in range((r + 1) * PER_ROUND)}
    assert got_2xx <= set(stored)
    assert set(stored) == {f"{g:04x}{n:012x}" for g in range(GROUPS) for n in range(ROUNDS * PER_ROUND)}
    assert set(stored.values()) == {1}
    # one incident per group, each consistent
    assert len(open_incidents) == len(groups) == GROUPS
    assert len({i.alert_group for i in open_incidents}) == GROUPS
    for group in groups:
        incident = group["incident_id"]
        assert group["alerts_total"] == per_incident[incident] == ROUNDS * PER_ROUND
        assert group["alerts_firing"] == firing[incident]
        assert declared[incident] == 1
        assert timers[incident] == 1
