"""Scale-out soak: two ``tocsin serve --no-worker`` replicas and two ``tocsin worker`` processes
on PostgreSQL under an alert storm, against a baseline measured in the same run (one replica,
one worker, the same storm, its own fresh database).

The storm: GROUPS Alertmanager groups, each re-sent ROUNDS times with a growing list of alerts
(as Alertmanager does every group_interval), from THREADS threads, alternating replicas so one
group's webhooks land on both at once. Meanwhile four in five incidents are acknowledged as soon
as they appear, by two requests at once (one per replica); the fifth is left alone and must
escalate to step 2 when its short response time runs out (proof that escalation is running).

Asserted at the end (exit 1 otherwise): one incident per group; no page (subject, recipient)
received twice by the SMTP sink; no escalation step after an acknowledgement; each pair of
simultaneous acks answered 200 once and 409 once. Printed: alerts/s, webhook p50/p99, time to
page p50/p99 (first webhook of a group → its page at the SMTP server), and the ratios.

    python bench/soak.py [--groups N] [--rounds N] [--threads N] [--response SECONDS]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]  # this checkout's tocsin, as its processes run

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench.soak_cluster import ADMIN_URL, SOURCE_TOKEN, Cluster, cluster  # noqa: E402

HOOK = "/hooks/alertmanager/soak"
PAGE = re.compile(r"\[PAGE\] \[P1\] #(\d+) Soak(\d+): .* — (opened|escalated)$")


def control(group: int) -> bool:
    """One group in five is never acknowledged: it must escalate."""
    return group % 5 == 0


def body(group: int, alerts: int) -> bytes:
    items = []
    for n in range(alerts):
        labels = {"alertname": f"Soak{group}", "instance": f"host-{n}", "severity": "P1"}
        items.append(
            {
                "status": "firing",
                "labels": labels,
                "annotations": {"summary": f"soak group {group}"},
                "startsAt": "2026-12-01T10:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "",
                "fingerprint": f"{group:05d}{n:011d}",
            }
        )
    document = {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="Soak{group}"}}',
        "status": "firing",
        "receiver": "tocsin",
        "groupLabels": {"alertname": f"Soak{group}"},
        "commonLabels": {"alertname": f"Soak{group}", "severity": "P1"},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "truncatedAlerts": 0,
        "alerts": items,
    }
    return json.dumps(document).encode()


def storm(groups: int, rounds: int, seed: int = 7) -> list[tuple[int, int, bytes]]:
    """``(group, alerts, body)`` round after round, groups shuffled within a round."""
    rng = random.Random(seed)
    out = []
    for r in range(rounds):
        order = list(range(groups))
        rng.shuffle(order)
        out += [(g, min(r + 1, 5), body(g, min(r + 1, 5))) for g in order]
    return out


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    first_sent: dict[int, float] = field(default_factory=dict)
    ack_pairs: Counter[tuple[int, int]] = field(default_factory=Counter)
    alerts: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(c: Cluster, plan: list[tuple[int, int, bytes]], threads: int, run: Run) -> None:
    headers = {"Authorization": f"Bearer {SOURCE_TOKEN}", "Content-Type": "application/json"}
    started = time.monotonic()

    def worker(index: int) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(index, len(plan), threads):
                group, alerts, raw = plan[i]
                url = c.replicas[i % len(c.replicas)] + HOOK
                t0 = time.monotonic()
                with run.lock:
                    run.first_sent.setdefault(group, t0)
                status = client.post(url, content=raw, headers=headers).status_code
                with run.lock:
                    run.latencies.append(time.monotonic() - t0)
                    run.statuses[status] += 1
                    run.alerts += alerts

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    run.seconds = time.monotonic() - started


def acknowledge(c: Cluster, run: Run, groups: int, stop: threading.Event) -> None:
    """Ack every non-control incident as it appears: two requests at once, one per replica."""
    engine = c.engine()
    seen: set[int] = set()
    headers = {"Authorization": f"Bearer {c.token}"}
    targets = [c.replicas[0], c.replicas[-1]]
    with httpx.Client(timeout=30) as client, ThreadPoolExecutor(2) as pair:
        while len(seen) < groups and not stop.is_set():
            with engine.connect() as conn:
                rows = conn.execute(sa.text("SELECT id, title FROM incidents")).all()
            todo = [(i, int(t.split(":")[0][4:])) for i, t in rows if i not in seen]
            for incident, group in todo:
                seen.add(incident)
                if control(group):
                    continue
                url = f"/api/v1/incidents/{incident}/acknowledge"
                answers = pair.map(
                    lambda base, u=url: client.post(base + u, headers=headers).status_code, targets
                )
                run.ack_pairs[tuple(sorted(answers))] += 1
            stop.wait(0.1)
    engine.dispose()


def pages(c: Cluster) -> list[tuple[str, str, float]]:
    return c.pages()


def settle(c: Cluster, groups: int, deadline: float) -> None:
    """Wait for every group's first page and every control group's escalation."""
    wanted = {("opened", g) for g in range(groups)} | {("escalated", g) for g in range(groups) if control(g)}
    while time.monotonic() < deadline:
        seen = {(m.group(3), int(m.group(2))) for s, _, _ in pages(c) if (m := PAGE.search(s))}
        if wanted <= seen:
            return
        time.sleep(0.2)


def verify(c: Cluster, run: Run, groups: int) -> list[str]:
    problems = []
    engine = c.engine()
    with engine.connect() as conn:
        titles = Counter(t.split(":")[0] for (t,) in conn.execute(sa.text("SELECT title FROM incidents")))
        late = conn.execute(
            sa.text(
                "SELECT count(*) FROM timeline_events e JOIN incidents i ON i.id = e.incident_id "
                "WHERE e.kind = 'escalated' AND i.acknowledged_at IS NOT NULL AND e.at > i.acknowledged_at"
            )
        ).scalar_one()
    engine.dispose()
    if len(titles) != groups or any(n != 1 for n in titles.values()):
        problems.append(
            f"incidents per group: {sorted(n for n in titles.values() if n != 1)} (want one each)"
        )
    twice = [k for k, n in Counter((s, to) for s, to, _ in pages(c)).items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} page(s) received twice, e.g. {twice[0]}")
    if late:
        problems.append(f"{late} escalation step(s) after an acknowledgement")
    found = {(m.group(3), int(m.group(2))) for s, _, _ in pages(c) if (m := PAGE.search(s))}
    if any(("escalated", g) not in found for g in range(groups) if control(g)):
        problems.append("an unacknowledged (control) incident never escalated: is escalation running?")
    if set(run.ack_pairs) - {(200, 409)}:
        problems.append(f"simultaneous acks answered {dict(run.ack_pairs)} (want one 200 and one 409 each)")
    if set(run.statuses) - {200}:
        problems.append(f"webhook answers {dict(run.statuses)}")
    return problems


def figures(c: Cluster, run: Run) -> dict[str, float]:
    lat = sorted(run.latencies)
    to_page = sorted(
        t - run.first_sent[int(m.group(2))]
        for s, _, t in pages(c)
        if (m := PAGE.search(s)) and m.group(3) == "opened"
    )

    engine = c.engine()
    with engine.connect() as conn:  # the worker's share: incident opened → first page sent
        lags = sorted(
            lag.total_seconds()
            for (lag,) in conn.execute(
                sa.text(
                    "SELECT min(e.at) - i.detected_at FROM incidents i JOIN timeline_events e "
                    "ON e.incident_id = i.id AND e.kind = 'notified' GROUP BY i.id, i.detected_at"
                )
            )
        )
    engine.dispose()

    def pct(values: list[float], q: float) -> float:
        return values[min(len(values) - 1, int(len(values) * q))] * 1000 if values else float("nan")

    return {
        "alerts_per_s": run.alerts / run.seconds,
        "webhooks_per_s": len(lat) / run.seconds,
        "p50_ms": pct(lat, 0.5),
        "p99_ms": pct(lat, 0.99),
        "page_p50_ms": pct(to_page, 0.5),
        "page_p99_ms": pct(to_page, 0.99),
        "sent_p50_ms": pct(lags, 0.5),
        "acks": sum(run.ack_pairs.values()),
    }


def phase(
    replicas: int, workers: int, args: argparse.Namespace, admin_url: str = ADMIN_URL
) -> tuple[dict[str, float], list[str]]:
    """One deployment under the storm, on a database of its own: its figures and its problems."""
    plan = storm(args.groups, args.rounds)
    with cluster(replicas, workers, args.response, admin_url) as c:
        run = Run()
        stop = threading.Event()
        acker = threading.Thread(target=acknowledge, args=(c, run, args.groups, stop))
        acker.start()
        send(c, plan, args.threads, run)
        settle(c, args.groups, time.monotonic() + args.response + 30)
        stop.set()
        acker.join()
        time.sleep(1.0)  # a page twice or a late step would arrive now
        return figures(c, run), verify(c, run, args.groups)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--response", type=int, default=15, help="P1 response time, seconds")
    args = parser.parse_args(argv)
    print(
        f"Soak on PostgreSQL: {args.groups} groups x {args.rounds} webhooks (1-5 alerts each), "
        f"{args.threads} threads; P1 response time {args.response} s; acks on 4 groups in 5"
    )
    results = {
        name: phase(r, w, args)
        for name, r, w in (("1 replica + 1 worker", 1, 1), ("2 replicas + 2 workers", 2, 2))
    }
    columns = (
        ("alerts/s", 9),
        ("hooks/s", 9),
        ("p50 ms", 8),
        ("p99 ms", 8),
        ("page p50", 10),
        ("page p99", 10),
    )
    print(f"{'':<24}" + "".join(f"{name:>{width}}" for name, width in columns) + f"{'acks':>6}")
    for name, (f, _) in results.items():
        print(
            f"{name:<24}{f['alerts_per_s']:>9.0f}{f['webhooks_per_s']:>9.0f}{f['p50_ms']:>8.1f}{f['p99_ms']:>8.1f}"
            f"{f['page_p50_ms']:>8.0f}ms{f['page_p99_ms']:>8.0f}ms{f['sent_p50_ms']:>8.0f}ms{f['acks']:>6.0f}"
        )
    (base, _), (scaled, _) = results.values()
    print(
        f"  ratio 2+2 / 1+1: alerts/s {scaled['alerts_per_s'] / base['alerts_per_s']:.2f}, "
        f"webhook p99 {scaled['p99_ms'] / base['p99_ms']:.2f}, "
        f"time to page p50 {scaled['page_p50_ms'] / base['page_p50_ms']:.2f}"
    )
    failed = False
    for name, (_, problems) in results.items():
        verdict = (
            "OK: one incident per group, no page twice, no step after an ack" if not problems else "FAILED"
        )
        print(f"{name}: {verdict}")
        for problem in problems:
            print(f"  - {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
