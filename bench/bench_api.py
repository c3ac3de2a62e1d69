"""REST API throughput through a real ``tocsin serve`` process on SQLite and PostgreSQL,
driven by wrk (a C load generator: a Python client would itself be the bottleneck), against
baselines measured in the same run:

- a bare FastAPI sync endpoint in its own uvicorn process (``bench/baseline_api.py``): the
  cost of HTTP + FastAPI on this machine;
- ``GET /healthz`` on the same tocsin server (HTTP + FastAPI + tocsin's middleware, no
  database): the ratios below are to this one.

Figures: requests per second over CONNECTIONS keep-alive connections, p50/p99 latency.
declare = one write transaction (incident + timeline event + timer job); acknowledge = one
locked read-modify-write; get = token lookup + the incident + its alert counts.
Goals (issue 17): get >= 0.5x /healthz, declare and acknowledge >= 0.25x.

    python bench/bench_api.py [SECONDS] [CONNECTIONS] [sqlite|postgresql|both]

Needs ``wrk`` on PATH. PostgreSQL at TOCSIN_BENCH_PG_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/test); a database is created and dropped.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from scratch_db import ADMIN_URL, scratch_database  # bench/scratch_db.py
from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.services.access.tokens import create_token

HERE = Path(__file__).resolve().parent
THREADS = 2
ENGINE = os.environ.get("TOCSIN_SERVER__ENGINE", "uvicorn")  # tocsin's server.engine

DECLARE = """
wrk.method = "POST"
wrk.body = '{"title": "bench", "severity": "P2"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
"""

# Each wrk thread walks its own ids (thread t of T: t, t+T, t+2T, ...) so that no incident is
# acknowledged twice while there are fresh ones; get cycles over the declared incidents.
WALK = """
local count, step, n = %(count)d, %(threads)d, 0
tid = 0  -- global: thread:set("tid", n) overrides it in each thread
function setup(thread) thread:set("tid", tid); tid = tid + 1 end
function init(args) n = 0 end
function request()
  local id = (tid + n * step) %% count + 1
  n = n + 1
  return wrk.format("%(method)s", string.format("/api/v1/incidents/%%d%(suffix)s", id),
    {["Authorization"] = "Bearer %(token)s"})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str) -> None:
    for _ in range(400):
        try:
            if httpx.get(url).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} never answered 200")


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, seconds: float, connections: int, script: str | None = None) -> dict[str, float]:
    """One wrk run: req/s, p50/p99 in ms, requests, non-2xx count."""
    cmd = ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds:g}s", "--latency", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script or "")
    cmd += ["-s", lua.name]
    try:
        report = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(lua.name)
    found = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1)),  # type: ignore[union-attr]
        "requests": float(re.search(r"(\d+) requests in", report).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"\s50%\s+(\S+)", report).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"\s99%\s+(\S+)", report).group(1)),  # type: ignore[union-attr]
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    errors = re.search(r"Socket errors: .*", report)
    found["errors"] = float(bad.group(1)) if bad else 0.0
    if errors:
        print(f"    wrk: {errors.group(0)}", file=sys.stderr)
    return found


@contextmanager
def process(cmd: list[str], env: dict[str, str], ready: str) -> Iterator[None]:
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_ready(ready)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def baseline(seconds: float, connections: int) -> dict[str, float]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    cmd = [sys.executable, "-m", "uvicorn", "bench.baseline_api:app", "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
    base = f"http://127.0.0.1:{port}/"
    with process(cmd, env, base):
        wrk(base, 1, connections)  # warm-up
        return wrk(base, seconds, connections)


def tocsin(url: str, seconds: float, connections: int) -> dict[str, dict[str, float]]:
    migrate.upgrade(url)
    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}))
    _, token = create_token(container.services, name="bench", role=Role.ADMIN, by=Actor("bench", Role.ADMIN))
    container.close()
    port = free_port()
    env = {**os.environ, "TOCSIN_DATABASE_URL": url, "TOCSIN_LOGGING__LEVEL": "WARNING"}
    env["TOCSIN_SERVER__ENGINE"] = ENGINE
    env.pop("TOCSIN_CONFIG", None)
    cmd = [str(Path(sys.executable).parent / "tocsin"), "serve", "--port", str(port), "--no-worker"]
    base = f"http://127.0.0.1:{port}"
    figures: dict[str, dict[str, float]] = {}
    with process(cmd, env, f"{base}/readyz"):
        wrk(f"{base}/healthz", 1, connections)  # warm-up
        figures["GET /healthz"] = wrk(f"{base}/healthz", seconds, connections)
        # declare twice as long as acknowledge runs: every acknowledge finds a fresh incident
        figures["POST /incidents (declare)"] = declared = wrk(
            f"{base}/api/v1/incidents", seconds * 2, connections, DECLARE % {"token": token}
        )
        walk = {"count": int(declared["requests"]), "threads": THREADS, "token": token}
        figures["GET /incidents/{id}"] = wrk(
            base, seconds, connections, WALK % {**walk, "method": "GET", "suffix": ""}
        )
        figures["POST /incidents/{id}/acknowledge"] = wrk(
            base, seconds, connections, WALK % {**walk, "method": "POST", "suffix": "/acknowledge"}
        )
    return figures


def show(name: str, f: dict[str, float], reference: float) -> None:
    errors = f" non-2xx {f['errors']:.0f}" if f["errors"] else ""
    print(
        f"  {name:<36}{f['rps']:>8.0f} req/s  p50 {f['p50']:6.1f} ms  p99 {f['p99']:6.1f} ms"
        f"  x{f['rps'] / reference:5.2f}{errors}"
    )


def main(seconds: float = 5.0, connections: int = 16, backends: str = "both") -> None:
    if not shutil.which("wrk"):
        raise SystemExit("bench_api needs wrk on PATH (apt install wrk)")
    bare = baseline(seconds, connections)
    print(
        f"REST API, wrk {THREADS} threads x {connections} connections, {seconds:g} s per figure,"
        f" tocsin on {ENGINE}"
    )
    print(
        f"  {'bare FastAPI sync endpoint':<36}{bare['rps']:>8.0f} req/s  p50 {bare['p50']:6.1f} ms"
        f"  p99 {bare['p99']:6.1f} ms"
    )
    for backend in ("sqlite", "postgresql") if backends == "both" else (backends,):
        with scratch_database(backend, "tocsin-bench-api") as url:
            if url is None:
                print(f"{backend}: not reachable at {ADMIN_URL}, skipped")
                continue
            figures = tocsin(url, seconds, connections)
        healthz = figures["GET /healthz"]["rps"]
        print(
            f"tocsin on {backend} (x = ratio to tocsin's /healthz; /healthz x{healthz / bare['rps']:.2f}"
            " of the bare endpoint)"
        )
        for name, f in figures.items():
            show(name, f, healthz)


if __name__ == "__main__":
    args = sys.argv[1:4]
    main(float(args[0]) if args else 5.0, int(args[1]) if len(args) > 1 else 16, *args[2:3])
