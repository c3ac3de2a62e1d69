"""REST API throughput on SQLite through a real ``tocsin serve`` process, against a baseline
measured in the same run: ``GET /healthz`` on the same server (HTTP + FastAPI + middleware, no
database).

Each figure is requests per second over keep-alive connections from CONCURRENCY client
threads. The ratio says what the database work of a use case costs on top of the HTTP stack:
declare = one write transaction (incident + timeline event + timer job), acknowledge = one
locked read-modify-write, get = one read-only unit of work (+ token lookup for every call).

    python bench/bench_api.py [N] [CONCURRENCY]
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.services.tokens import create_token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rate(n: int, concurrency: int, call: Callable[[httpx.Client, int], None], base: str) -> float:
    clients = [httpx.Client(base_url=base) for _ in range(concurrency)]
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda i: call(clients[i % concurrency], i), range(n)))
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return n / elapsed


def main(n: int = 1000, concurrency: int = 4) -> None:
    folder = Path(tempfile.mkdtemp(prefix="tocsin-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}))
    _, secret = create_token(container.services, name="bench", role=Role.ADMIN, by=Actor("bench", Role.ADMIN))
    headers = {"Authorization": f"Bearer {secret}"}
    container.close()
    port = free_port()
    env = {**os.environ, "TOCSIN_DATABASE_URL": url, "TOCSIN_LOGGING__LEVEL": "WARNING"}
    env.pop("TOCSIN_CONFIG", None)
    tocsin = str(Path(sys.executable).parent / "tocsin")
    server = subprocess.Popen(
        [tocsin, "serve", "--port", str(port), "--no-worker"], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)

    def healthz(client: httpx.Client, _i: int) -> None:
        client.get("/healthz").raise_for_status()

    def declare(client: httpx.Client, i: int) -> None:
        body = {"title": f"bench {i}", "severity": "P2"}
        client.post("/api/v1/incidents", json=body, headers=headers).raise_for_status()

    def get(client: httpx.Client, i: int) -> None:
        client.get(f"/api/v1/incidents/{i + 1}", headers=headers).raise_for_status()

    def acknowledge(client: httpx.Client, i: int) -> None:
        client.post(f"/api/v1/incidents/{i + 1}/acknowledge", headers=headers).raise_for_status()

    rate(100, concurrency, healthz, base)  # warm-up
    figures = {"GET /healthz (baseline)": rate(n, concurrency, healthz, base)}
    figures["POST /incidents (declare)"] = rate(n, concurrency, declare, base)
    figures["GET /incidents/{id}"] = rate(n, concurrency, get, base)
    figures["POST /incidents/{id}/acknowledge"] = rate(n, concurrency, acknowledge, base)
    server.terminate()
    server.wait(timeout=10)

    baseline = figures["GET /healthz (baseline)"]
    print(f"REST API on SQLite, {n} requests per figure, {concurrency} client threads")
    for name, value in figures.items():
        print(f"  {name:<36} {value:8.0f} req/s   ratio to baseline {value / baseline:5.2f}")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
