"""'Preserve logs': the incident window read from Loki in pages (at most ``limit`` entries a
call, the next page starting at the last timestamp seen) into one NDJSON evidence item, every
line once and in order, even when lines share the nanosecond at a page's edge."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import T0
from tests.loki_fake import FakeLoki, running
from tests.web.evidence_helpers import SAM, security_incident
from tocsin.config import Settings
from tocsin.domain.errors import Conflict
from tocsin.domain.evidence_logs import ns
from tocsin.services.security import evidence
from tocsin.services.security.evidence_logs import preserve_logs
from tocsin.services.security.evidence_ports import LogSourceError

S = 1_000_000_000


@pytest.fixture
def loki():
    fake = FakeLoki()
    with running(fake) as url:
        fake.url = url
        yield fake


@pytest.fixture
def settings(db_url, tmp_path, loki):
    locker = {
        "dir": str(tmp_path / "locker"),
        "loki_url": loki.url,
        "loki_page_limit": 4,
        "loki_query": '{job="sshd"}',
    }
    return Settings.model_validate({"database": {"url": db_url}, "security": {"evidence": locker}})


def test_every_line_of_the_window_once_and_in_order_over_several_pages(services, clock, loki):
    incident = security_incident(services)  # detected at T0
    base = ns(T0 - timedelta(minutes=10))
    loki.add(ns(T0 - timedelta(minutes=16)), "before the window", job="sshd")
    for n in range(9):
        loki.add(base + n * S, f"line {n}", job="sshd", host="bastion-1")
    for n in range(3):  # three lines in one nanosecond, straddling a page's edge
        loki.add(base + 9 * S, f"burst {n}", job="sshd", host=f"bastion-{n + 2}")
    loki.add(base + 10 * S, "last line", job="sshd", host="bastion-1")
    clock.advance(timedelta(minutes=5))

    item = preserve_logs(services, incident, by=SAM)

    starts = [int(c["start"]) for c in loki.calls]
    assert len(loki.calls) >= 4
    assert starts == sorted(starts)
    assert starts[0] == ns(T0 - timedelta(minutes=15))
    assert {c["end"] for c in loki.calls} == {str(ns(T0 + timedelta(minutes=5)))}
    assert {(c["direction"], c["limit"], c["query"]) for c in loki.calls} == {
        ("forward", "4", '{job="sshd"}')
    }
    _, stream = evidence.download(services, incident, item.id, by=SAM)
    with stream:
        records = [json.loads(line) for line in stream.read().decode().splitlines()]
    lines = [r["line"] for r in records]
    assert lines[:9] == [f"line {n}" for n in range(9)]
    assert lines[-1] == "last line"
    assert sorted(lines[9:12]) == ["burst 0", "burst 1", "burst 2"]
    assert len(lines) == 13
    assert records[0]["labels"] == {"job": "sshd", "host": "bastion-1"}
    assert records[0]["ts"] == str(base)
    assert records[0]["time"].startswith("2026-11-27T09:50:00.000000000")
    assert item.name.startswith(f"loki-incident-{incident}-")
    assert item.name.endswith(".ndjson")
    assert "13 lines" in item.description
    assert [e.action.value for e in evidence.custody(services, incident, by=SAM)] == [
        "logs_preserved",
        "downloaded",
    ]


def test_a_loki_failure_is_reported_and_nothing_is_kept(services, loki, tmp_path):
    incident = security_incident(services)
    loki.fail_with = 429
    with pytest.raises(LogSourceError, match="Loki answered 429"):
        preserve_logs(services, incident, by=SAM)
    assert evidence.view(services, incident, by=SAM).items == []
    assert list((tmp_path / "locker").iterdir()) == []


def test_without_loki_it_says_what_to_configure(db_url, tmp_path):
    from tocsin import bootstrap

    settings = Settings.model_validate(
        {"database": {"url": db_url}, "security": {"evidence": {"dir": str(tmp_path)}}}
    )
    container = bootstrap.build(settings)
    try:
        incident = security_incident(container.services)
        with pytest.raises(Conflict, match="loki_url"):
            preserve_logs(container.services, incident, by=SAM)
    finally:
        container.close()
