"""/metrics: business gauges read from the database at scrape time, HTTP counters by route."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from structlog.testing import capture_logs

from tocsin import bootstrap
from tocsin.config import Settings
from tocsin.domain.events import JobKind, JobRequest
from tocsin.services.paging import timers
from tocsin.web.app import create_app
from tocsin.web.metrics import CachedHistograms


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def declare(client, headers, severity):
    response = client.post("/api/v1/incidents", json={"title": "t", "severity": severity}, headers=headers)
    assert response.status_code == 201
    return response.json()["id"]


def test_open_incidents_by_severity(client, as_responder):
    declare(client, as_responder, "P1")
    declare(client, as_responder, "P1")
    resolved = declare(client, as_responder, "P0")
    client.post(f"/api/v1/incidents/{resolved}/resolve", headers=as_responder)

    samples = scrape(client)

    assert samples[("tocsin_open_incidents", (("severity", "P0"),))] == 0
    assert samples[("tocsin_open_incidents", (("severity", "P1"),))] == 2
    assert samples[("tocsin_open_incidents", (("severity", "P2"),))] == 0
    assert samples[("tocsin_open_incidents", (("severity", "P3"),))] == 0
    assert samples[("tocsin_store_up", ())] == 1


def test_http_requests_are_counted_by_route_template(client, as_responder):
    incident = declare(client, as_responder, "P2")
    client.get(f"/api/v1/incidents/{incident}", headers=as_responder)
    client.get("/api/v1/incidents/999", headers=as_responder)
    client.get("/no/such/path")

    samples = scrape(client)

    def count(method, route, status):
        key = (("method", method), ("route", route), ("status", status))
        return samples.get(("tocsin_http_requests_total", key))

    assert count("POST", "/api/v1/incidents", "201") == 1
    assert count("GET", "/api/v1/incidents/{incident_id}", "200") == 1
    assert count("GET", "/api/v1/incidents/{incident_id}", "404") == 1
    assert count("GET", "<unmatched>", "404") == 1
    assert not any("/999" in str(labels) for _, labels in samples)


def test_response_time_breaches_and_the_job_queue(client, container, clock, as_responder):
    incident = declare(client, as_responder, "P0")
    samples = scrape(client)
    assert samples[("tocsin_sla_breaches_total", ())] == 0
    assert samples[("tocsin_job_queue_depth", ())] == 1  # the ack-deadline timer
    assert samples[("tocsin_job_queue_oldest_due_age_seconds", ())] == 0  # not due yet

    clock.advance(timedelta(minutes=20))
    samples = scrape(client)
    assert samples[("tocsin_job_queue_oldest_due_age_seconds", ())] == 5 * 60

    with container.services.uow() as uow:
        assert timers.fire_ack_deadline(container.services, uow, {"incident_id": incident, "generation": 0})
        uow.commit()

    assert scrape(client)[("tocsin_sla_breaches_total", ())] == 1


def test_dead_jobs(client, container, clock):
    with container.services.uow() as uow:
        uow.jobs.enqueue([JobRequest(JobKind.SLA_BREACHED, clock.now(), {"incident_id": 1}, key="k")])
        uow.commit()
    [job] = container.jobs.claim(1, timedelta(minutes=1), "test-worker", clock.now())
    container.jobs.bury(job, "boom", clock.now())

    samples = scrape(client)

    assert samples[("tocsin_dead_jobs", ())] == 1
    assert samples[("tocsin_job_queue_depth", ())] == 0


def test_an_unreachable_database_is_reported_not_raised(clock):
    url = "postgresql+psycopg://tocsin@127.0.0.1:1/tocsin?connect_timeout=2"  # nothing listens
    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}), clock=clock)
    with capture_logs(), TestClient(create_app(container), base_url="http://127.0.0.1") as client:
        samples = scrape(client)

    assert samples[("tocsin_store_up", ())] == 0
    assert ("tocsin_open_incidents", (("severity", "P0"),)) not in samples


def test_time_to_acknowledge_and_resolve_histograms_by_severity(client, clock, as_responder):
    fast = declare(client, as_responder, "P1")
    slow = declare(client, as_responder, "P1")
    clock.advance(timedelta(minutes=4))
    client.post(f"/api/v1/incidents/{fast}/acknowledge", headers=as_responder)
    clock.advance(timedelta(minutes=56))
    client.post(f"/api/v1/incidents/{slow}/acknowledge", headers=as_responder)
    client.post(f"/api/v1/incidents/{fast}/resolve", headers=as_responder)

    samples = scrape(client)

    def tta(suffix, **labels):
        key = tuple(sorted({"severity": "P1", **labels}.items()))
        return samples[(f"tocsin_time_to_acknowledge_seconds_{suffix}", key)]

    assert tta("bucket", le="60.0") == 0
    assert tta("bucket", le="300.0") == 1  # 4 min
    assert tta("bucket", le="3600.0") == 2  # and 60 min
    assert tta("bucket", le="+Inf") == 2
    assert tta("count") == 2
    assert abs(tta("sum") - (4 + 60) * 60) < 1
    ttr = samples[("tocsin_time_to_resolve_seconds_count", (("severity", "P1"),))]
    assert ttr == 1
    assert samples[("tocsin_time_to_acknowledge_seconds_count", (("severity", "P0"),))] == 0


def test_a_scrape_never_waits_for_the_sqlite_write_lock(client, container, db_url):
    """A scrape reads in deferred transactions: a writer holding the lock does not stall it
    (nor does the scrape stall the writer, as ``BEGIN IMMEDIATE`` did)."""
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    with container.engine.connect() as writer:
        writer.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock, held
        started = time.monotonic()
        samples = scrape(client)
        waited = time.monotonic() - started
        writer.rollback()
    assert samples[("tocsin_store_up", ())] == 1
    assert waited < 5  # the busy timeout is 10 s


def test_histograms_are_served_from_the_last_reading_and_refreshed_when_old(container):
    histograms = CachedHistograms(container.figures, max_age=0.0)
    first = histograms.get()
    assert histograms.get() is first  # stale: served as is, re-read in the background
    deadline = time.monotonic() + 5
    while histograms.get() is first and time.monotonic() < deadline:
        time.sleep(0.01)
    assert histograms.get() is not first
