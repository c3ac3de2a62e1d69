"""The compliance report over a large history (SQLite), against a baseline in the same run.

N incidents are written straight into the tables (each with timeline events, a third of them
with a post-mortem). The baseline reads the same N incident rows and nothing else; the report
reads them, the first events of three kinds, the GitHub links and the post-mortems (batch
queries, never one per incident), and builds every checklist and the figures. The ratio
report / baseline says what the checklists cost on top of reading the incidents at all.

    python bench/compliance.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock
from tocsin.adapters.db import migrate, schema
from tocsin.adapters.db.postmortems import row_values
from tocsin.adapters.db.rows import incident_values
from tocsin.config import Settings
from tocsin.domain.access import SYSTEM
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.postmortem import PostMortem, Status
from tocsin.domain.severity import Severity
from tocsin.services.incidents import compliance

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _incident(i: int) -> Incident:
    detected = T0 + timedelta(minutes=7 * i)
    acked = detected + timedelta(minutes=3 + i % 50)
    return Incident(
        id=IncidentId(i),
        title=f"incident {i}",
        summary="",
        severity=list(Severity)[i % 4],
        phase=Phase.CLOSED,
        source="bench",
        detected_at=detected,
        declared_by="bench",
        ack_due_at=detected + timedelta(hours=1),
        response_time=timedelta(hours=1),
        acknowledged_at=acked,
        acknowledged_by="bench",
        resolved_at=acked + timedelta(minutes=20),
        closed_at=acked + timedelta(hours=2),
    )


def _fill(container: bootstrap.Container, n: int) -> None:
    incidents, events, pms = [], [], []
    for i in range(1, n + 1):
        incident = _incident(i)
        incidents.append(incident_values(incident))
        step = {"targets": ["role:lead_engineer"], "notified": ["camille"]}
        for kind, at, data in (
            ("declared", incident.detected_at, {}),
            ("escalated", incident.detected_at, step),
            ("acknowledged", incident.acknowledged_at, {}),
        ):
            events.append(
                {"incident_id": i, "kind": kind, "at": at, "actor": "b", "text": kind, "data": data}
            )
        if i % 3 == 0 and incident.resolved_at is not None:
            resolved = incident.resolved_at
            pm = PostMortem(
                i, required=True, owner="bench", opened_at=resolved, due_at=resolved + timedelta(hours=48)
            )
            done = replace(
                pm, status=Status.COMPLETE, completed_at=resolved + timedelta(hours=5), completed_by="b"
            )
            pms.append({"incident_id": i, **row_values(done, resolved)})
    with container.engine.begin() as conn:
        conn.execute(schema.incidents.insert(), incidents)
        conn.execute(schema.timeline_events.insert(), events)
        conn.execute(schema.postmortems.insert(), pms)


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        clock = ManualClock(T0 + timedelta(days=400))
        container = bootstrap.build(Settings.model_validate({"database": {"url": url}}), clock=clock)
        _fill(container, n)
        start, end = T0, T0 + timedelta(days=366)
        best_base = best_report = float("inf")
        for _ in range(3):
            began = time.perf_counter()
            with container.services.read() as uow:
                found = uow.compliance.detected_between(start, end, limit=compliance.MAX_INCIDENTS)
            best_base = min(best_base, time.perf_counter() - began)
            began = time.perf_counter()
            report = compliance.period_report(container.services, start=start, end=end, by=SYSTEM)
            best_report = min(best_report, time.perf_counter() - began)
        container.close()
    assert len(report.rows) == len(found), (len(report.rows), len(found))
    print(f"incidents read: {len(found)} (of {n}; the report caps at {compliance.MAX_INCIDENTS})")
    print(f"baseline (read the incident rows): {best_base * 1000:.0f} ms")
    print(f"compliance report (rows + batch reads + checklists + figures): {best_report * 1000:.0f} ms")
    print(f"ratio report / baseline: {best_report / best_base:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
