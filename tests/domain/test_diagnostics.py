"""Loki and Grafana links: LogQL from label templates (a missing label drops its matcher, never
a broken query), Explore URLs in Grafana's own shapes, the incident window."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.intake_fixtures import all_alertmanager
from tocsin.adapters.alertmanager import parse_alertmanager
from tocsin.domain.alert import StoredAlert
from tocsin.domain.diagnostics import (
    Diagnostics,
    alert_links,
    explore_url,
    incident_links,
    render_selector,
    window,
)
from tocsin.domain.incident import IncidentId
from tocsin.domain.severity import Severity

T = datetime(2026, 11, 26, 21, 46, 44, tzinfo=UTC)
CONFIG = Diagnostics(
    grafana_url="https://grafana.example.org/",
    loki_uid="P8E80F9AEF21F6940",
    logql='{job="{{ job }}", instance="{{ instance }}"}',
    logql_by_component={
        "container": '{container="{{ name }}"} |= "error"',
        "frontend": '{app="{{ service }}"}',  # a service label stands for the component
    },
    dashboards={
        "database": "d/pg/postgresql",
        "container": "https://grafana.example.org/d/c/containers?var-x=1",
    },
)


@pytest.mark.parametrize(
    ("template", "labels", "expected"),
    [
        ('{job="{{ job }}"}', {"job": "postgres-exporter"}, '{job="postgres-exporter"}'),
        ('{job="{{ job }}", pod=~"{{ pod }}.*"}', {"job": "api"}, '{job="api"}'),  # pod missing: dropped
        ('{job="{{ job }}"}', {}, None),  # nothing left: no query
        ('{app="a\\"b", job="{{ job }}"}', {"job": 'we"ird\\'}, '{app="a\\"b", job="we\\"ird\\\\"}'),
        ('{job="{{ job }}"} |= "{{ trace }}"', {"job": "api"}, '{job="api"}'),  # pipeline label missing
        ('{job="{{ job }}"} | json', {"job": "api"}, '{job="api"} | json'),
        ("job=api", {"job": "api"}, None),  # not a stream selector
        ('{job="unterminated}', {}, None),
    ],
)
def test_selectors(template, labels, expected):
    assert render_selector(template, labels) == expected


def _stored(alert, source="alertmanager:prom"):
    return StoredAlert(
        incident_id=IncidentId(1), source=source, group_key="g", fingerprint=alert.fingerprint,
        status=alert.status, severity=Severity.P1, name=alert.name, summary=alert.summary,
        labels=alert.labels, annotations=alert.annotations, starts_at=alert.starts_at,
        ends_at=alert.ends_at, generator_url=alert.generator_url, first_seen_at=T, last_seen_at=T,
    )  # fmt: skip


@pytest.mark.parametrize("path", all_alertmanager(), ids=lambda p: p.name)
def test_every_captured_fixture_gets_working_links(path):
    notification = parse_alertmanager(json.loads(path.read_bytes()), source="alertmanager:prom")
    alerts = [_stored(a) for a in notification.alerts]
    start, end = window(min(a.starts_at for a in alerts), T, T + timedelta(hours=1), timedelta(minutes=15))
    links = incident_links(CONFIG, alerts, start=start, end=end)
    assert links, path.name
    for label, url in links:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("https", "grafana.example.org")
        query = parse_qs(parts.query)
        if label.startswith("Logs"):
            assert parts.path == "/explore"
            assert query["schemaVersion"] == ["1"]
            (pane,) = json.loads(query["panes"][0]).values()
            (q,) = pane["queries"]
            assert q["expr"] == label.removeprefix("Logs (Loki): ")
            assert q["expr"].startswith("{")
            assert "{{" not in q["expr"]
            assert q["datasource"] == {"type": "loki", "uid": "P8E80F9AEF21F6940"}
            assert int(pane["range"]["from"]) == int(start.timestamp() * 1000)
            assert int(pane["range"]["to"]) == int(end.timestamp() * 1000)
        else:
            assert query["from"] == [str(int(start.timestamp() * 1000))]
    for alert in alerts:
        for _, url in alert_links(alert):
            assert url.startswith("http")


def test_the_postgresqldown_links():
    (path,) = [p for p in all_alertmanager() if "firing_PostgreSQLDown" in p.name]
    body = json.loads(path.read_bytes())
    alerts = [_stored(a) for a in parse_alertmanager(body, source="alertmanager:prom").alerts]
    detected = T + timedelta(seconds=5)
    start, end = window(alerts[0].starts_at, detected, T + timedelta(minutes=30), timedelta(minutes=15))
    assert start == alerts[0].starts_at - timedelta(minutes=15)
    labels = [label for label, _ in incident_links(CONFIG, alerts, start=start, end=end)]
    assert labels == [
        'Logs (Loki): {job="postgres-exporter", instance="postgres-exporter:9187"}',
        "Dashboard (Grafana): database",
    ]


def test_the_legacy_left_format_and_encoding():
    legacy = Diagnostics(grafana_url="http://grafana:3000", loki_uid="loki", explore_format="left", org_id=2)
    url = explore_url(legacy, '{job="a b"} |= "x&y"', T, T + timedelta(minutes=5))
    parts = urlsplit(url)
    assert " " not in url
    assert "&y" not in url.split("left=", 1)[1].split("&orgId")[0]
    query = parse_qs(parts.query)
    assert query["orgId"] == ["2"]
    state = json.loads(query["left"][0])
    assert state["queries"][0]["expr"] == '{job="a b"} |= "x&y"'
    assert state["datasource"] == "loki"


def test_the_github_issue_body_carries_the_links():
    from tests.domain.conftest import a_plan
    from tocsin.domain.github import body
    from tocsin.domain.incident import declare

    plan = a_plan()
    incident = declare(
        IncidentId(3), title="DB down", severity=Severity.P0, at=T, by="tocsin", plan=plan
    ).incident
    links = [('Logs (Loki): {job="pg"} [x]', "https://grafana.example.org/explore?x=1")]
    text = body(incident, [], url="", at=T, links=links)
    assert (
        '### Diagnostics\n\n- [Logs (Loki): {job="pg"} (x)](https://grafana.example.org/explore?x=1)' in text
    )
