"""Alert intake throughput: tocsin (``tocsin serve``, uvicorn, one worker, SQLite) against a
baseline measured in the same run (``bench/baseline_ingest.py``: parse + one SQLite commit per
request), under the same bounded load on loopback.

Load: 10,000 distinct alerts over 100 groups, sent 1 and 10 alerts per webhook, by an asyncio
HTTP/1.1 client over CONCURRENCY keep-alive connections, at most SECONDS per run. Then the
same at half the measured maximum rate (paced) for the latency figures. For each load, tocsin
and the baseline run back to back (the machine may be shared: both should see it alike).
Prints alerts/s, p50/p99, server RSS, server CPU per request (user + system, all threads:
steadier than rates when the machine is shared) and the ratio tocsin/baseline.

    python bench/ingest.py [SECONDS] [CONCURRENCY] [GROUPS]

GROUPS (default 100) = 1 is an alert storm in one group: 10,000 alerts of one incident, which
must cost per webhook what 100 small groups do (the group keeps a tally of its alerts).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tocsin.adapters.db import migrate
from tocsin.domain.fingerprint import fingerprint

TOKEN = "bench-token"
GROUPS = 100
ALERTS = 10_000
HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def payloads(per_webhook: int) -> list[bytes]:
    """ALERTS distinct alerts over GROUPS groups, ``per_webhook`` alerts (one group) per body."""
    bodies = []
    for start in range(0, ALERTS, per_webhook):
        group = (start // per_webhook) % GROUPS
        alerts = []
        for n in range(start, start + per_webhook):
            labels = {"alertname": f"Bench{group}", "instance": f"host-{n}", "severity": "warning"}
            alerts.append(
                {
                    "status": "firing",
                    "labels": labels,
                    "annotations": {"summary": f"bench alert {n}"},
                    "startsAt": "2026-11-27T10:00:00.123456789Z",
                    "endsAt": "0001-01-01T00:00:00Z",
                    "generatorURL": "",
                    "fingerprint": fingerprint(labels),
                }
            )
        body = {
            "version": "4",
            "groupKey": f'{{}}:{{alertname="Bench{group}"}}',
            "status": "firing",
            "receiver": "tocsin",
            "groupLabels": {"alertname": f"Bench{group}"},
            "commonLabels": {},
            "commonAnnotations": {},
            "externalURL": "http://127.0.0.1:9093",
            "truncatedAlerts": 0,
            "alerts": alerts,
        }
        bodies.append(json.dumps(body).encode())
    return bodies


def request(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lines = head.lower().split(b"\r\n")
    lengths = [int(line.split(b":", 1)[1]) for line in lines if line.startswith(b"content-length")]
    if not lengths:
        raise RuntimeError(f"no Content-Length in the response: {head[:300]!r}")
    length = lengths[0]
    await reader.readexactly(length)
    return status


async def drive(port: int, raws: list[bytes], concurrency: int, seconds: float, rate: float | None) -> dict:
    """Send ``raws`` in order over ``concurrency`` connections; stop after ``seconds``.
    ``rate``: pace the starts at that many requests per second (open loop)."""
    latencies: list[float] = []
    errors = 0
    next_index = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def connection() -> None:
        nonlocal next_index, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while next_index < len(raws) and time.perf_counter() < deadline:
            i = next_index
            next_index += 1
            if rate:
                delay = started + i / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            t0 = time.perf_counter()
            status = await _one(reader, writer, raws[i])
            latencies.append(time.perf_counter() - t0)
            errors += status != 200
        writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0.0,
        "p99": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else 0.0,
    }


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def start_tocsin(folder: Path, port: int) -> subprocess.Popen[bytes]:
    url = f"sqlite:///{folder / 'tocsin.db'}"
    migrate.upgrade(url)
    env = {
        **os.environ,
        "TOCSIN_DATABASE_URL": url,
        "TOCSIN_LOGGING__LEVEL": "WARNING",
        "TOCSIN_SOURCES__BENCH__KIND": "alertmanager",
        "TOCSIN_SOURCES__BENCH__TOKEN": TOKEN,
        "TOCSIN_INTAKE__MAX_IN_FLIGHT": "256",
    }
    env.pop("TOCSIN_CONFIG", None)
    tocsin = str(Path(sys.executable).parent / "tocsin")
    cmd = [tocsin, "serve", "--port", str(port), "--no-worker"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)


def start_baseline(folder: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BASELINE_DB": str(folder / "baseline.db"), "PYTHONPATH": str(HERE.parent)}
    cmd = [sys.executable, "-m", "uvicorn", "bench.baseline_ingest:app", "--port", str(port)]
    cmd += ["--host", "127.0.0.1", "--workers", "1", "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)


def measure(starter, path: str, per_webhook: int, seconds: float, concurrency: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="tocsin-bench-"))
    port = free_port()
    server = starter(folder, port)
    try:
        wait_ready(port)
        raws = [request(path, body) for body in payloads(per_webhook)]
        cpu = cpu_seconds(server.pid)
        peak = asyncio.run(drive(port, raws, concurrency, seconds, None))
        # the server's CPU per webhook: steadier than rates on a shared machine
        peak["cpu_ms"] = (cpu_seconds(server.pid) - cpu) * 1000 / max(peak["requests"], 1)
        # fresh alerts for the paced run: the same ones again would only be repeats
        paced_raws = [r.replace(b"host-", b"node-") for r in raws]
        paced = asyncio.run(drive(port, paced_raws, concurrency, seconds, peak["rps"] / 2))
        peak["alerts_per_s"] = peak["rps"] * per_webhook
        peak["paced"] = paced
        peak["rss"] = rss_mb(server.pid)
        return peak
    finally:
        server.terminate()
        server.wait(timeout=10)


SERVERS = (("tocsin", start_tocsin, "/hooks/alertmanager/bench"), ("baseline", start_baseline, "/"))


def main(seconds: float = 30.0, concurrency: int = 16) -> None:
    # tocsin and the baseline back to back for each load, so that both see the same machine
    figures = {
        (name, per_webhook): measure(starter, path, per_webhook, seconds, concurrency)
        for per_webhook in (1, 10)
        for name, starter, path in SERVERS
    }
    print(f"Alert intake on SQLite, loopback, {concurrency} connections, <= {seconds:.0f} s per run")
    print(f"{ALERTS} distinct alerts over {GROUPS} groups; p50/p99 at half the peak rate")
    header = f"{'':<22}{'alerts/s':>10}{'req/s':>9}{'err':>5}{'p50 ms':>8}{'p99 ms':>8}{'RSS MB':>8}"
    header += f"{'CPU ms/req':>11}"
    print(header)
    for per_webhook in (1, 10):
        for name, _, _ in SERVERS:
            f = figures[name, per_webhook]
            label = f"{name}, {per_webhook}/webhook"
            paced = f["paced"]
            print(
                f"{label:<22}{f['alerts_per_s']:>10.0f}{f['rps']:>9.0f}{f['errors'] + paced['errors']:>5}"
                f"{paced['p50']:>8.1f}{paced['p99']:>8.1f}{f['rss']:>8.0f}{f['cpu_ms']:>11.3f}"
            )
        tocsin, baseline = (figures[name, per_webhook]["alerts_per_s"] for name, _, _ in SERVERS)
        ratio = tocsin / baseline
        print(f"  ratio tocsin/baseline at {per_webhook} alert(s) per webhook: {ratio:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 3:
        GROUPS = int(sys.argv[3])
    main(*(float(arg) for arg in sys.argv[1:2]), *(int(arg) for arg in sys.argv[2:3]))
