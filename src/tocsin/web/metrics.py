"""Prometheus metrics, on a registry per application (never the process-global one), so two
apps in one process (tests, several containers) do not share or double-register series.

Business gauges are computed from the database at scrape time, so every replica reports the
same numbers and nothing is lost on restart:

- ``tocsin_open_incidents{severity}``: incidents in detection, triage or resolution;
- ``tocsin_sla_breaches_total``: response-time breaches ever recorded (timeline events);
- ``tocsin_job_queue_depth``, ``tocsin_job_queue_oldest_due_age_seconds``, ``tocsin_dead_jobs``;
- ``tocsin_time_to_acknowledge_seconds{severity}``, ``tocsin_time_to_resolve_seconds{severity}``:
  histograms of detection → acknowledgement and detection → resolution over every incident
  (one aggregate query each, buckets counted by the database, at most 30 s old);
- ``tocsin_store_up``: 0 when the database did not answer (the series above are then absent).

HTTP traffic is counted in-process by the request middleware:
``tocsin_http_requests_total{method,route,status}`` and
``tocsin_http_request_duration_seconds{method,route}``, labelled by route template.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Literal, Protocol

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from tocsin.services.incidents.figures import IncidentFigures
from tocsin.services.ports import Clock

_log = structlog.get_logger("tocsin.web.metrics")

# Anything else is counted as "other": a client must not be able to mint label values.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class JobStats(Protocol):
    def stats(self, now: datetime) -> tuple[int, float]:
        """``(depth, oldest_due_age_seconds)``."""
        ...

    def count_dead(self) -> int: ...


TTA_BUCKETS = (60.0, 300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 24 * 3600.0)
TTR_BUCKETS = (300.0, 900.0, 1800.0, 3600.0, 4 * 3600.0, 12 * 3600.0, 24 * 3600.0, 72 * 3600.0)


def duration_histograms(figures: IncidentFigures) -> list[Metric]:
    """Time to acknowledge and to resolve per severity (bucketed by the store, one query each)."""
    families: list[Metric] = []
    ends: tuple[tuple[str, Literal["acknowledged", "resolved"], tuple[float, ...], str], ...] = (
        ("tocsin_time_to_acknowledge_seconds", "acknowledged", TTA_BUCKETS, "Detection to acknowledgement"),
        ("tocsin_time_to_resolve_seconds", "resolved", TTR_BUCKETS, "Detection to resolution"),
    )
    for name, end, buckets, help_text in ends:
        family = HistogramMetricFamily(name, help_text + " by severity", labels=["severity"])
        for severity, found in figures.durations(end, buckets).items():
            points = [(str(b), float(c)) for b, c in zip(buckets, found.cumulative, strict=True)]
            family.add_metric([severity.value], [*points, ("+Inf", float(found.count))], found.total_seconds)
        families.append(family)
    return families


HISTOGRAMS_MAX_AGE = 30.0  # seconds


class CachedHistograms:
    """``duration_histograms`` read at most every ``max_age`` seconds: they aggregate every
    incident ever (hundreds of milliseconds on a big history), so a scrape serves the last
    figures and, when they are older than ``max_age``, has them recomputed in the background
    (stale while revalidating; only the very first scrape waits for them)."""

    def __init__(self, figures: IncidentFigures, max_age: float = HISTOGRAMS_MAX_AGE) -> None:
        self._figures = figures
        self._max_age = max_age
        self._lock = threading.Lock()
        self._families: list[Metric] | None = None
        self._read_at = 0.0
        self._refreshing = False

    def get(self) -> list[Metric]:
        with self._lock:
            families, age = self._families, time.monotonic() - self._read_at
            stale = families is not None and age >= self._max_age and not self._refreshing
            if stale:
                self._refreshing = True
        if families is None:
            return self._read()
        if stale:
            threading.Thread(target=self._refresh, name="metrics-histograms", daemon=True).start()
        return families

    def _read(self) -> list[Metric]:
        families = duration_histograms(self._figures)
        with self._lock:
            self._families, self._read_at = families, time.monotonic()
        return families

    def _refresh(self) -> None:
        try:
            self._read()
        except SQLAlchemyError:
            _log.warning("metrics_histograms_unreadable", exc_info=True)
        finally:
            with self._lock:
                self._refreshing = False


class StoreCollector(Collector):
    """Reads the database on each scrape (the duration histograms: see ``CachedHistograms``)."""

    def __init__(self, figures: IncidentFigures, jobs: JobStats, clock: Clock) -> None:
        self._figures = figures
        self._jobs = jobs
        self._clock = clock
        self._histograms = CachedHistograms(figures)

    def collect(self) -> Iterator[Metric]:
        try:
            business = list(self._business())
        except SQLAlchemyError:
            _log.warning("metrics_store_unreachable", exc_info=True)
            business = []
        yield GaugeMetricFamily(
            "tocsin_store_up", "1 if the database answered this scrape, else 0", value=1 if business else 0
        )
        yield from business

    def _business(self) -> Iterator[Metric]:
        open_now = GaugeMetricFamily(
            "tocsin_open_incidents", "Open incidents (detection, triage, resolution)", labels=["severity"]
        )
        counts = self._figures.counts()
        for severity, count in counts.open_by_severity.items():
            open_now.add_metric([severity.value], count)
        yield open_now
        yield CounterMetricFamily(
            "tocsin_sla_breaches", "Response-time breaches recorded", value=counts.sla_breaches
        )
        yield from self._histograms.get()
        depth, oldest_age = self._jobs.stats(self._clock.now())
        yield GaugeMetricFamily("tocsin_job_queue_depth", "Jobs pending or running", value=depth)
        yield GaugeMetricFamily(
            "tocsin_job_queue_oldest_due_age_seconds",
            "How long the oldest due pending job has waited",
            value=oldest_age,
        )
        yield GaugeMetricFamily(
            "tocsin_dead_jobs", "Jobs that exhausted their retries", value=self._jobs.count_dead()
        )


class AppMetrics:
    """The registry of one application and the HTTP instruments the middleware feeds."""

    def __init__(self, figures: IncidentFigures, jobs: JobStats, clock: Clock) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tocsin_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.durations = Histogram(
            "tocsin_http_request_duration_seconds",
            "HTTP request duration by method and route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.registry.register(StoreCollector(figures, jobs, clock))
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe(self, *, method: str, route: str, status: int, seconds: float) -> None:
        # the children of the label values seen so far (bounded: methods, route templates,
        # statuses): ``labels()`` costs a lock and a tuple per call, several µs per request
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            known = method if method in KNOWN_METHODS else "other"
            children = (self.requests.labels(known, route, str(status)), self.durations.labels(known, route))
            self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)
