"""Alert → first page at a real SMTP server, and how fast a burst of pages drains: the worker
woken on enqueue with concurrent deliveries, against the old behaviour measured in the same run
(``worker.wake_on_enqueue: false``, ``worker.concurrency: 1``: a poll every second, one delivery
at a time), on SQLite (``tocsin serve``, its embedded worker) and PostgreSQL (``tocsin serve
--no-worker`` and a ``tocsin worker`` process: woken by LISTEN/NOTIFY).

Each run gets a fresh database, the same plan (P0 pages the lead engineer and the CTO by
e-mail), and an SMTP sink in a process of its own (``bench/soak_sink.py``) that timestamps
what it accepts with the machine's monotonic clock, as this process timestamps what it sends.

- Storm: RATE Alertmanager webhooks per second for SECONDS, each a new alert of one of 10 open
  incidents (no page), while a probe opens a new incident every 0.25 s; latency = the
  probe's POST sent → the first of its pages accepted by the SMTP server.
- Burst: 50 new incidents posted at once over 16 connections, 100 pages; drain time = the first
  POST sent → the 100th page accepted.

    python bench/delivery.py [SECONDS] [RATE]     # default 10 s at 200 webhooks/s
    TOCSIN_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test  (admin database; a
    scratch database is created and dropped per run; unreachable: SQLite only)

Goals (issue 17): alert → first page p99 < 0.5 s; a 100-page burst delivered within 5 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src")]  # this checkout's tocsin, as its processes run

import yaml  # noqa: E402

from scratch_db import scratch_database  # noqa: E402  # bench/scratch_db.py
from tocsin.adapters.db import migrate  # noqa: E402

TOKEN = "bench-delivery-token"
HOOK = "/hooks/alertmanager/bench"
BACKGROUND_GROUPS = 10
PROBE_EVERY = 0.25
BURST_GROUPS = 50  # P0: two pages each
BURST_PAGES = 2 * BURST_GROUPS
SUBJECT = re.compile(r"#\d+ (Probe|Burst|Storm)(\d+)")

BEFORE = {"wake_on_enqueue": False, "concurrency": 1}
AFTER: dict[str, Any] = {}  # the defaults: woken on enqueue, 8 at once


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def plan(db_url: str, smtp_port: int, worker: dict[str, Any]) -> dict[str, Any]:
    return {
        "database": {"url": db_url},
        "logging": {"level": "WARNING"},
        "worker": {"poll_interval_seconds": 1.0, **worker},
        "intake": {"max_in_flight": 256},
        "people": {p: {"name": p.title(), "email": f"{p}@example.org"} for p in ("camille", "david")},
        "roles": {"lead_engineer": {"members": ["camille"]}, "cto": {"members": ["david"]}},
        "sources": {"bench": {"kind": "alertmanager", "token": TOKEN}},
        "notifications": {
            "console": False,
            "email": {
                "enabled": True,
                "host": "127.0.0.1",
                "port": smtp_port,
                "sender": "tocsin@example.org",
            },
        },
    }


def webhook(name: str, first: int = 0) -> bytes:
    """A firing group ``name`` with one alert (instance ``first``: a new one, for the storm)."""
    items = []
    for n in range(first, first + 1):
        labels = {"alertname": name, "instance": f"host-{n}", "severity": "P0"}
        items.append(
            {
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": f"{name} is down"},
                "startsAt": "2026-12-01T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "",
                "fingerprint": f"{zlib.crc32(name.encode()) % 10**5:05d}{n:011d}",
            }
        )
    document = {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "status": "firing",
        "receiver": "tocsin",
        "groupLabels": {"alertname": name},
        "commonLabels": {"alertname": name, "severity": "P0"},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "truncatedAlerts": 0,
        "alerts": items,
    }
    body = json.dumps(document).encode()
    head = (
        f"POST {HOOK} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def post(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.lower().split(b"\r\n")
        if line.startswith(b"content-length")
    )
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


@dataclass
class Deployment:
    port: int
    mailbox: Path

    def mail(self) -> list[tuple[str, int, float]]:
        """``(kind, number, arrival)`` of each page the sink accepted."""
        found = []
        for line in self.mailbox.read_text(encoding="utf-8").splitlines():
            message = json.loads(line)
            if match := SUBJECT.search(message["subject"]):
                found.append((match.group(1), int(match.group(2)), float(message["at"])))
        return found

    def wait_for(self, kind: str, count: int, timeout: float) -> list[tuple[str, int, float]]:
        deadline = time.monotonic() + timeout
        while True:
            pages = [m for m in self.mail() if m[0] == kind]
            if len(pages) >= count or time.monotonic() > deadline:
                return pages
            time.sleep(0.05)


def _wait_ready(port: int, processes: list[subprocess.Popen[bytes]]) -> None:
    for _ in range(600):
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a tocsin process exited before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def deployment(db_url: str, worker: dict[str, Any]) -> Iterator[Deployment]:
    """The SMTP sink and tocsin: on SQLite ``serve`` with its worker, on PostgreSQL ``serve
    --no-worker`` and ``worker``; all stopped on the way out."""
    migrate.upgrade(db_url)
    folder = Path(tempfile.mkdtemp(prefix="tocsin-delivery-"))
    mailbox = folder / "mailbox.jsonl"
    mailbox.touch()
    smtp_port, port = free_port(), free_port()
    sink = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "soak_sink.py"), str(smtp_port), str(mailbox)],
        stdout=subprocess.PIPE,
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        if sink.stdout is None or sink.stdout.readline().strip() != b"ready":
            raise RuntimeError("the SMTP sink did not start")
        config = folder / "tocsin.yaml"
        config.write_text(yaml.safe_dump(plan(db_url, smtp_port, worker)))
        env = {**os.environ, "TOCSIN_CONFIG": str(config), "PYTHONPATH": str(ROOT / "src")}
        env.pop("TOCSIN_DATABASE_URL", None)
        serve = [sys.executable, "-m", "tocsin", "serve", "--port", str(port)]
        if db_url.startswith("postgresql"):
            processes.append(subprocess.Popen([*serve, "--no-worker"], env=env, stdout=subprocess.DEVNULL))
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "tocsin", "worker"], env=env, stdout=subprocess.DEVNULL
                )
            )
        else:
            processes.append(subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL))
        _wait_ready(port, processes)
        yield Deployment(port, mailbox)
    finally:
        for process in [*processes, sink]:
            process.terminate()
        for process in [*processes, sink]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if sink.stdout is not None:
            sink.stdout.close()


async def storm(port: int, seconds: float, rate: float) -> tuple[dict[int, float], int, int]:
    """Background webhooks at ``rate``/s and a probe every PROBE_EVERY s, for ``seconds``;
    returns when each probe was sent, how many webhooks were sent, and how many failed."""
    sent: dict[int, float] = {}
    counts = {"sent": 0, "errors": 0}
    start = time.monotonic()
    end = start + seconds
    total = int(seconds * rate)
    next_index = 0

    async def background() -> None:
        nonlocal next_index
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while next_index < total:
            i = next_index
            next_index += 1
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() > end:
                break
            group, alert = i % BACKGROUND_GROUPS, 1 + i // BACKGROUND_GROUPS  # a new alert each time
            status = await post(reader, writer, webhook(f"Storm{group}", first=alert))
            counts["sent"] += 1
            counts["errors"] += status != 200
        writer.close()

    async def probes() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        n = 0
        while (at := start + PROBE_EVERY * (n + 0.5)) < end:
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            raw = webhook(f"Probe{n}")
            sent[n] = time.monotonic()
            counts["errors"] += await post(reader, writer, raw) != 200
            n += 1
        writer.close()

    await asyncio.gather(probes(), *(background() for _ in range(8)))
    return sent, counts["sent"], counts["errors"]


async def burst(port: int) -> float:
    """BURST_GROUPS new incidents posted at once; returns when the first POST went out."""
    raws = [webhook(f"Burst{n}") for n in range(BURST_GROUPS)]
    queue = list(reversed(raws))
    started = time.monotonic()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            await post(reader, writer, queue.pop())
        writer.close()

    await asyncio.gather(*(connection() for _ in range(16)))
    return started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def measure(db_url: str, worker: dict[str, Any], seconds: float, rate: float) -> dict[str, float]:
    with deployment(db_url, worker) as d:
        for n in range(BACKGROUND_GROUPS):  # the storm's incidents, open and paged before it
            asyncio.run(_single(d.port, webhook(f"Storm{n}")))
        d.wait_for("Storm", 2 * BACKGROUND_GROUPS, 30)
        sent, background, errors = asyncio.run(storm(d.port, seconds, rate))
        probes = d.wait_for("Probe", 2 * len(sent), 30)
        first: dict[int, float] = {}
        for _, n, at in probes:
            first[n] = min(first.get(n, at), at)
        latencies = [first[n] - t for n, t in sent.items() if n in first]
        time.sleep(2.0)  # the storm's tail settles
        started = asyncio.run(burst(d.port))
        pages = d.wait_for("Burst", BURST_PAGES, 60)
        arrivals = sorted(at for _, _, at in pages)
    return {
        "probes": len(sent),
        "missing": len(sent) - len(latencies),
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "rate": background / seconds,
        "errors": errors,
        "burst_pages": len(arrivals),
        "drain": arrivals[-1] - started if len(arrivals) == BURST_PAGES else float("inf"),
        "burst_first": arrivals[0] - started if arrivals else float("inf"),
    }


async def _single(port: int, raw: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await post(reader, writer, raw)
    writer.close()


def report(name: str, before: dict[str, float], after: dict[str, float], seconds: float, rate: float) -> None:
    print(
        f"\n{name}: {before['probes']:.0f} probes under {rate:.0f} webhooks/s for {seconds:.0f} s;"
        f" burst of {BURST_PAGES} pages"
    )
    print(f"{'':<34}{'p50 ms':>8}{'p99 ms':>8}{'sent/s':>8}{'errors':>7}{'burst 1st':>10}{'drain s':>9}")
    for label, f in (("before (poll 1 s, 1 at a time)", before), ("after (woken, 8 at once)", after)):
        missing = f" ({f['missing']:.0f} probe(s) never paged)" if f["missing"] else ""
        print(
            f"{label:<34}{f['p50'] * 1000:>8.0f}{f['p99'] * 1000:>8.0f}{f['rate']:>8.0f}{f['errors']:>7.0f}"
            f"{f['burst_first']:>10.2f}{f['drain']:>9.2f}{missing}"
        )
    goals = "OK" if after["p99"] < 0.5 and after["drain"] < 5 else "MISSED"
    print(
        f"  ratio after/before: p50 {after['p50'] / before['p50']:.2f},"
        f" p99 {after['p99'] / before['p99']:.2f}, drain {after['drain'] / before['drain']:.2f}"
        f"  (goals p99 < 0.5 s, drain < 5 s: {goals})"
    )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
    for name, backend in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        figures = {}
        for label, worker in (("before", BEFORE), ("after", AFTER)):
            with scratch_database(backend, "tocsin-delivery") as url:
                if url is None:
                    break
                figures[label] = measure(url, worker, seconds, rate)
        if len(figures) < 2:
            print(f"\n{name}: skipped (unreachable)")
            continue
        report(name, figures["before"], figures["after"], seconds, rate)


if __name__ == "__main__":
    main()
