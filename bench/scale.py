"""Reads on a big history: 100,000 incidents, 1,000,000 alerts (one incident holding 10,000)
and 1,200,000 timeline events, seeded by bulk inserts straight into the tables (not through
the API), on SQLite and on PostgreSQL, against the same reads on an empty database measured in
the same run (the ratio column).

Each read is timed from 4 client threads over keep-alive connections against a real
``tocsin serve --no-worker`` process: p50/p99 in milliseconds. Also: webhook p99 while
``/metrics`` is scraped every 3 s (SQLite), and the status page's first render after a change.

    python bench/scale.py [--scale 0.05] [--backend sqlite|postgresql|both] [--requests 40]
    python bench/scale.py --keep DIR     # seed once, keep the databases; rerun with the same
                                         # DIR to measure again without seeding


PostgreSQL: ``TOCSIN_BENCH_PG_URL`` (default postgresql+psycopg://postgres@127.0.0.1:5432/test)
is only used to create and drop databases of the bench's own (``tocsin_scale_*``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.services.access.signin import session_id
from tocsin.services.access.tokens import create_token

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "demo.yaml"
PG_ADMIN = os.environ.get("TOCSIN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLIENTS = 4
NOW = datetime.now(UTC).replace(microsecond=0)
HISTORY = timedelta(days=730)
SEVERITIES = ("P0", "P1", "P2", "P3")
RESPONSE = {"P0": 900, "P1": 3600, "P2": 14400, "P3": 86400}
COMPONENTS = ("api", "login", "payments", "database")
WORDS = [
    "database",
    "latency",
    "login",
    "failure",
    "payments",
    "timeout",
    "disk",
    "full",
    "certificate",
    "expired",
    "queue",
    "backlog",
    "memory",
    "leak",
    "cpu",
    "saturation",
    "dns",
    "resolution",
    "replication",
    "lag",
    "cache",
    "eviction",
    "gateway",
    "error",
    "deploy",
    "rollback",
    "kafka",
    "consumer",
    "redis",
    "cluster",
    "nginx",
    "upstream",
    "backup",
    "job",
]
ALERT_NAMES = ("HighLatency", "InstanceDown", "DiskFull", "ErrorRate", "QueueBacklog", "CertExpiry")
OPEN_COUNT = 60  # open incidents at the end of history
SEARCH_WORD = "replication"


@dataclass(frozen=True)
class Size:
    incidents: int
    alerts: int
    big_alerts: int
    events: int
    history_rows: int

    @classmethod
    def of(cls, scale: float) -> Size:
        return cls(
            incidents=max(100, int(100_000 * scale)),
            alerts=max(200, int(1_000_000 * scale)),
            big_alerts=max(50, int(10_000 * scale)),
            events=max(300, int(1_200_000 * scale)),
            history_rows=max(50, int(100_000 * scale)),
        )

    @property
    def big_id(self) -> int:
        return max(1, self.incidents // 2)

    @property
    def offset(self) -> int:
        return int(self.incidents * 0.9)


EMPTY = Size(incidents=1, alerts=1, big_alerts=1, events=1, history_rows=1)


# --- seeding ---------------------------------------------------------------------------------


def _incidents(size: Size, rng: random.Random) -> Iterator[dict[str, Any]]:
    step = HISTORY / max(size.incidents, 1)
    start = NOW - HISTORY
    for i in range(1, size.incidents + 1):
        sev = SEVERITIES[rng.randrange(4)] if i != size.big_id else "P1"
        detected = start + step * i
        open_ = i > size.incidents - OPEN_COUNT or i == size.big_id
        ack = detected + timedelta(seconds=rng.randrange(60, 7200))
        resolved = None if open_ else ack + timedelta(seconds=rng.randrange(600, 20 * 3600))
        words = rng.sample(WORDS, 3)
        yield {
            "id": i,
            "title": f"{words[0]} {words[1]} on host-{i % 97}"[:200],
            "summary": f"{' '.join(rng.sample(WORDS, 6))} ({words[2]})",
            "severity": sev,
            "phase": ("triage" if i % 2 else "detection") if open_ else "closed",
            "source": "alertmanager:prometheus",
            "detected_at": detected,
            "declared_by": "alertmanager:prometheus",
            "ack_due_at": detected + timedelta(seconds=RESPONSE[sev]),
            "response_time_seconds": RESPONSE[sev],
            "acknowledged_at": None if open_ else ack,
            "acknowledged_by": None if open_ else "sofia",
            "sla_breached_at": None,
            "resolved_at": resolved,
            "closed_at": None if resolved is None else resolved + timedelta(hours=1),
            "postmortem_due_at": None,
            "users_affected": None,
            "features_down": "[]",
            "components_down": "[]",
            "security_risk": False,
            "data_risk": False,
            "impact_assessed_at": None,
            "security": i % 50 == 0,
            "generation": 1,
            "drill": False,
            "alert_group": f"{i:064x}",
        }


def _groups(size: Size, counts: Sequence[int]) -> Iterator[dict[str, Any]]:
    for i in range(1, size.incidents + 1):
        n = counts[i]
        yield {
            "incident_id": i,
            "source": "prometheus",
            "group_key": f'{{}}:{{alertname="{ALERT_NAMES[i % len(ALERT_NAMES)]}"}}#{i}',
            "alert_severity": "P2",
            "human_severity": False,
            "truncated_alerts": 0,
            "created_at": NOW - HISTORY,
            "alerts_total": n,
            "alerts_firing": 0,
            "alerts_p0": 0,
            "alerts_p1": 0,
            "alerts_p2": n,
            "alerts_p3": 0,
        }


def _spread(size: Size, total: int, big: int) -> list[int]:
    """Per incident (index = id): ``big`` for the big incident, ``total - big`` over the others."""
    counts = [0] * (size.incidents + 1)
    counts[size.big_id] = big
    others = [i for i in range(1, size.incidents + 1) if i != size.big_id]
    rest = total - big
    for n, i in enumerate(others):
        counts[i] = rest // len(others) + (1 if n < rest % len(others) else 0)
    return counts


def _alert_counts(size: Size) -> list[int]:
    return _spread(size, size.alerts, size.big_alerts)


def _alerts(size: Size, counts: Sequence[int]) -> Iterator[dict[str, Any]]:
    step = HISTORY / max(size.incidents, 1)
    for i in range(1, size.incidents + 1):
        seen = NOW - HISTORY + step * i
        for j in range(counts[i]):
            name = ALERT_NAMES[j % len(ALERT_NAMES)]
            yield {
                "incident_id": i,
                "source": "prometheus",
                "fingerprint": f"{i:08x}{j:08x}",
                "status": "resolved",
                "severity": "P2",
                "name": name,
                "summary": f"{name} on host-{j % 211}",
                "labels": json.dumps({"alertname": name, "instance": f"host-{j % 211}:9100"}),
                "annotations": json.dumps({"summary": f"{name} on host-{j % 211}"}),
                "starts_at": seen,
                "ends_at": seen + timedelta(minutes=30),
                "generator_url": f"http://prometheus.example.org/graph?g0.expr={name}",
                "first_seen_at": seen,
                "last_seen_at": seen + timedelta(minutes=30),
            }


def _events(size: Size, rng: random.Random) -> Iterator[dict[str, Any]]:
    counts = _spread(size, size.events, min(size.big_alerts, size.events // 2))
    step = HISTORY / max(size.incidents, 1)
    for i in range(1, size.incidents + 1):
        at = NOW - HISTORY + step * i
        for j in range(counts[i]):
            kind = "declared" if j == 0 else ("sla_breached" if j == 1 and i % 7 == 0 else "note")
            yield {
                "incident_id": i,
                "kind": kind,
                "at": at + timedelta(seconds=j),
                "actor": "sofia",
                "text": f"{' '.join(rng.sample(WORDS, 4))} #{j}",
                "data": "{}",
            }


def _history(size: Size, rng: random.Random) -> Iterator[dict[str, Any]]:
    step = HISTORY / max(size.history_rows, 1)
    statuses = ("degraded_performance", "operational", "partial_outage", "operational")
    for k in range(size.history_rows):
        yield {
            "component": COMPONENTS[rng.randrange(3)],
            "status": statuses[k % 4],
            "at": NOW - HISTORY + step * k,
            "status_incident_id": None,
        }


def _chunks(rows: Iterable[dict[str, Any]], n: int = 20_000) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _tables(size: Size) -> list[tuple[str, Iterable[dict[str, Any]]]]:
    rng = random.Random(17)
    counts = _alert_counts(size)
    return [
        ("incidents", _incidents(size, rng)),
        ("alert_groups", _groups(size, counts)),
        ("alerts", _alerts(size, counts)),
        ("timeline_events", _events(size, rng)),
        ("status_component_history", _history(size, rng)),
    ]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def seed_sqlite(path: Path, size: Size) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    for table, rows in _tables(size):
        for chunk in _chunks(rows):
            cols = list(chunk[0])
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            conn.executemany(sql, [tuple(_sqlite_value(r[c]) for c in cols) for r in chunk])
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def seed_postgresql(url: str, size: Size) -> None:
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            for table, rows in _tables(size):
                cols: list[str] = []
                copy = None
                for chunk in _chunks(rows):
                    if copy is None:
                        cols = list(chunk[0])
                        copy_cm = cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN")
                        copy = copy_cm.__enter__()
                    for r in chunk:
                        copy.write_row(tuple(r[c] for c in cols))
                if copy is not None:
                    copy_cm.__exit__(None, None, None)
            cur.execute("SELECT setval('incident_id_seq', %s)", (size.incidents,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


# --- the server and its clients ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, url: str) -> None:
        settings = Settings.model_validate({"database": {"url": url}})
        container = bootstrap.build(settings)
        admin = Actor("bench", Role.ADMIN)
        _, self.token = create_token(
            container.services, name=f"bench-{time.time_ns()}", role=Role.ADMIN, by=admin
        )
        container.close()
        self.cookie = _session(url)
        self.port = free_port()
        env = {
            **os.environ,
            "TOCSIN_CONFIG": str(CONFIG),
            "TOCSIN_DATABASE_URL": url,
            "TOCSIN_LOGGING__LEVEL": "WARNING",
            "TOCSIN_SERVER__BASE_URL": f"http://127.0.0.1:{self.port}",
        }
        tocsin = str(Path(sys.executable).parent / "tocsin")
        self.process = subprocess.Popen(
            [tocsin, "serve", "--port", str(self.port), "--no-worker"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(400):
            try:
                if httpx.get(f"{self.base}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base,
            headers={"Authorization": f"Bearer {self.token}"},
            cookies={"tocsin_session": self.cookie},
            timeout=60,
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _session(url: str) -> str:
    """A signed-in admin, written straight into the tables (no password hashing)."""
    secret = "bench-session-secret"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM web_sessions WHERE id = :id"), {"id": session_id(secret)})
        conn.execute(sa.text("DELETE FROM users WHERE email = 'bench@example.org'"))
        user_id = conn.execute(
            sa.text(
                "INSERT INTO users (email, name, role, password_hash, created_at) "
                "VALUES ('bench@example.org', 'Bench', 'admin', 'x', :at) RETURNING id"
            ),
            {"at": _db_time(conn, NOW)},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO web_sessions (id, user_id, csrf_token, created_at, last_seen_at) "
                "VALUES (:id, :user, 'csrf', :at, :at)"
            ),
            {"id": session_id(secret), "user": user_id, "at": _db_time(conn, datetime.now(UTC))},
        )
    engine.dispose()
    return secret


def _db_time(conn: sa.Connection, at: datetime) -> Any:
    return _sqlite_value(at) if conn.dialect.name == "sqlite" else at


def timed(server: Server, paths: Callable[[int], str], n: int) -> tuple[float, float, int]:
    """p50 and p99 in ms of ``n`` GETs from CLIENTS threads, and the mean body size."""
    clients = [server.client() for _ in range(CLIENTS)]
    clients[0].get(paths(0)).raise_for_status()  # warm-up

    def one(i: int) -> tuple[float, int]:
        started = time.perf_counter()
        response = clients[i % CLIENTS].get(paths(i))
        response.raise_for_status()
        return time.perf_counter() - started, len(response.content)

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(one, range(n)))
    for client in clients:
        client.close()
    times = sorted(t for t, _ in results)
    return _pct(times, 50), _pct(times, 99), int(statistics.mean(b for _, b in results))


def _pct(sorted_seconds: Sequence[float], p: int) -> float:
    k = min(len(sorted_seconds) - 1, max(0, round(p / 100 * len(sorted_seconds) + 0.5) - 1))
    return sorted_seconds[k] * 1000


def webhook_p99(server: Server, n: int, *, scrape: bool) -> float:
    """p99 (ms) of Alertmanager webhooks from CLIENTS threads, with /metrics scraped every 3 s."""
    stop = threading.Event()

    def scraper() -> None:
        with server.client() as client:
            while not stop.is_set():
                client.get("/metrics")
                stop.wait(3.0)

    thread = threading.Thread(target=scraper, daemon=True)
    if scrape:
        thread.start()
    clients = [
        httpx.Client(base_url=server.base, headers={"Authorization": "Bearer demo-alertmanager-token"})
        for _ in range(CLIENTS)
    ]
    tag = "scrape" if scrape else "quiet"

    def one(i: int) -> float:
        body = {
            "version": "4",
            "groupKey": f'{{}}:{{alertname="Bench{tag}{i % 20}"}}',
            "status": "firing",
            "receiver": "tocsin",
            "groupLabels": {"alertname": f"Bench{tag}{i % 20}"},
            "commonLabels": {"alertname": f"Bench{tag}{i % 20}", "severity": "warning"},
            "commonAnnotations": {},
            "externalURL": "http://alertmanager.example.org",
            "alerts": [
                {
                    "status": "firing",
                    "labels": {"alertname": f"Bench{tag}{i % 20}", "severity": "warning", "n": str(i)},
                    "annotations": {"summary": "bench"},
                    "startsAt": NOW.isoformat().replace("+00:00", "Z"),
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "http://prometheus.example.org/graph",
                    "fingerprint": f"{i:016x}",
                }
            ],
        }
        started = time.perf_counter()
        clients[i % CLIENTS].post("/hooks/alertmanager/prometheus", json=body).raise_for_status()
        elapsed = time.perf_counter() - started
        time.sleep(0.02)  # about 4 × 40 webhooks/s: a steady stream, not saturation
        return elapsed

    with ThreadPoolExecutor(CLIENTS) as pool:
        times = sorted(pool.map(one, range(n)))
    stop.set()
    if scrape:
        thread.join()
    for client in clients:
        client.close()
    return _pct(times, 99)


def status_first_render(server: Server, url: str, rounds: int) -> float:
    """Median ms of the status page's first render after a change (the revision bumped in the
    database, as another replica's change would be)."""
    engine = sa.create_engine(url)
    times = []
    with httpx.Client(base_url=server.base) as client:
        client.get("/status/").raise_for_status()
        for _ in range(rounds):
            with engine.begin() as conn:
                bumped = conn.execute(
                    sa.text("UPDATE status_revision SET revision = revision + 1 WHERE id = 1")
                )
                if bumped.rowcount == 0:
                    conn.execute(sa.text("INSERT INTO status_revision (id, revision) VALUES (1, 1)"))
            time.sleep(1.1)  # the cache rereads the revision at most once a second
            started = time.perf_counter()
            client.get("/status/").raise_for_status()
            times.append(time.perf_counter() - started)
    engine.dispose()
    return statistics.median(times) * 1000


# --- one database --------------------------------------------------------------------------------


ONLY: list[str] = []  # --only: the figures whose name contains one of these


def _wanted(name: str) -> bool:
    return not ONLY or any(part in name for part in ONLY)


def measure(url: str, size: Size, n: int, *, sqlite: bool) -> dict[str, tuple[float, float, int]]:
    server = Server(url)
    big = size.big_id
    try:
        figures: dict[str, tuple[float, float, int]] = {}
        alerts_cursor, incidents_cursor = cursors(server, size)
        reads: dict[str, Callable[[int], str]] = {
            "dashboard /": lambda _i: "/",
            "dashboard live fragment": lambda _i: "/dashboard/live",
            "room of the big incident": lambda _i: f"/incidents/{big}",
            "room timeline fragment": lambda _i: f"/incidents/{big}/timeline",
            "room alerts fragment": lambda _i: f"/incidents/{big}/alerts",
            "API incident": lambda _i: f"/api/v1/incidents/{big}",
            "API alerts of big incident": lambda _i: f"/api/v1/incidents/{big}/alerts",
            "API timeline of big incident": lambda _i: f"/api/v1/incidents/{big}/timeline",
            "API incidents ?offset=90%": lambda _i: f"/api/v1/incidents?offset={size.offset}",
            "API alerts ?limit=100&offset=90%": lambda _i: (
                f"/api/v1/incidents/{big}/alerts?limit=100&offset={int(size.big_alerts * 0.9)}"
            ),
            "API alerts ?limit=100&cursor=(90%)": lambda _i: alerts_cursor,
            "API timeline ?limit=100": lambda _i: f"/api/v1/incidents/{big}/timeline?limit=100",
            "API incidents ?cursor=(90%)": lambda _i: incidents_cursor,
            "search q=": lambda _i: f"/incidents?state=all&q={SEARCH_WORD}",
            "/metrics": lambda _i: "/metrics",
        }
        for name, path in reads.items():
            if _wanted(name):
                figures[name] = timed(server, path, n)
        name = "status page first render (median)"
        if _wanted(name):
            figures[name] = (status_first_render(server, url, 3), 0.0, 0)
        for name, scrape in (("webhook p99, no scrape", False), ("webhook p99, /metrics every 3 s", True)):
            if sqlite and _wanted(name):
                figures[name] = (0.0, webhook_p99(server, 4 * n, scrape=scrape), 0)
        return figures
    finally:
        server.stop()


def cursors(server: Server, size: Size) -> tuple[str, str]:
    """The paths of the pages at 90 % of the big incident's alerts and of the incident list,
    reached with the cursor the page before returned (the plain first pages when there is none)."""
    big, alerts_at, list_at = size.big_id, int(size.big_alerts * 0.9), size.offset
    with server.client() as client:
        before = client.get(
            f"/api/v1/incidents/{big}/alerts", params={"limit": 1, "offset": max(alerts_at - 1, 0)}
        )
        alerts = f"/api/v1/incidents/{big}/alerts?limit=100"
        if "x-next-cursor" in before.headers:
            alerts += f"&cursor={before.headers['x-next-cursor']}"
        page = client.get("/api/v1/incidents", params={"limit": 1, "offset": max(list_at - 1, 0)}).json()
        listing = "/api/v1/incidents"
        if page.get("next_cursor"):
            listing += f"?cursor={page['next_cursor']}"
    return alerts, listing


KEEP: list[Path] = []  # --keep DIR: databases kept there (SQLite) or named after it (PostgreSQL)


def _marker(name: str, size: Size) -> Path | None:
    """The file saying a kept database holds this seed (None when nothing is kept)."""
    if not KEEP:
        return None
    return KEEP[0] / f"{name}-{size.incidents}-{size.alerts}-{size.events}.seeded"


def sqlite_db(folder: Path, name: str, size: Size) -> str:
    path = folder / f"{name}.db"
    url = f"sqlite:///{path}"
    marker = _marker(f"sqlite-{name}", size)
    if marker is not None and marker.exists() and path.exists():
        migrate.upgrade(url)
        print(f"  reusing {path}", flush=True)
        return url
    path.unlink(missing_ok=True)
    migrate.upgrade(url)
    started = time.perf_counter()
    seed_sqlite(path, size)
    print(f"  seeded {name} on SQLite in {time.perf_counter() - started:.1f} s", flush=True)
    if marker is not None:
        marker.touch()
    return url


class PgDatabase:
    def __init__(self, name: str) -> None:
        self.admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        self.name = f"tocsin_scale_{name}"
        self.kept = f"postgresql-{name}"
        self.url = make_url(PG_ADMIN).set(database=self.name).render_as_string(hide_password=False)

    def seed(self, size: Size) -> str:
        marker = _marker(self.kept, size)
        if marker is not None and marker.exists():
            migrate.upgrade(self.url)
            print(f"  reusing {self.name}", flush=True)
            return self.url
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        migrate.upgrade(self.url)
        started = time.perf_counter()
        seed_postgresql(self.url, size)
        print(f"  seeded {self.name} on PostgreSQL in {time.perf_counter() - started:.1f} s", flush=True)
        if marker is not None:
            marker.touch()
        return self.url

    def drop(self) -> None:
        if KEEP:
            self.admin.dispose()
            return
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def report(backend: str, size: Size, big: dict[str, Any], empty: dict[str, Any]) -> None:
    print(
        f"\n{backend}: {size.incidents:,} incidents, {size.alerts:,} alerts "
        f"({size.big_alerts:,} in incident {size.big_id}), {size.events:,} timeline events, "
        f"{CLIENTS} clients"
    )
    print(f"  {'read':<36} {'p50 ms':>8} {'p99 ms':>8} {'KB':>8}   {'empty p50/p99':>15}  ratio p99")
    for name, (p50, p99, size_b) in big.items():
        e50, e99, _ = empty[name]
        ratio = p99 / e99 if e99 else (p50 / e50 if e50 else 0.0)
        print(
            f"  {name:<36} {p50:8.1f} {p99:8.1f} {size_b / 1024:8.0f}   {e50:7.1f}/{e99:7.1f}  {ratio:8.1f}x",
            flush=True,
        )


def run_sqlite(scale: float, n: int) -> None:
    folder = KEEP[0] if KEEP else Path(tempfile.mkdtemp(prefix="tocsin-scale-"))
    size = Size.of(scale)
    empty = measure(sqlite_db(folder, "empty", EMPTY), EMPTY, n, sqlite=True)
    big = measure(sqlite_db(folder, "big", size), size, n, sqlite=True)
    report("SQLite", size, big, empty)
    if KEEP:
        return
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


def run_postgresql(scale: float, n: int) -> None:
    size = Size.of(scale)
    dbs = [PgDatabase("empty"), PgDatabase("big")]
    try:
        empty = measure(dbs[0].seed(EMPTY), EMPTY, n, sqlite=False)
        big = measure(dbs[1].seed(size), size, n, sqlite=False)
        report("PostgreSQL", size, big, empty)
    finally:
        for db in dbs:
            db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full history (0.05: quick)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=40, help="requests per read (p99 needs 100+)")
    parser.add_argument("--only", action="append", default=[], help="only the figures whose name has this")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the seeded databases (SQLite files in DIR, PostgreSQL's tocsin_scale_*) and reuse "
        "them on the next run with the same DIR and --scale instead of seeding again",
    )
    args = parser.parse_args()
    ONLY.extend(args.only)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        KEEP.append(args.keep)
    if args.backend in ("sqlite", "both"):
        run_sqlite(args.scale, args.requests)
    if args.backend in ("postgresql", "both"):
        run_postgresql(args.scale, args.requests)


if __name__ == "__main__":
    main()
