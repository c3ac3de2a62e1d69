"""Where a responder looks next (the plan's "Diagnostiquer: consulter logs (Loki), vérifier
métriques (Grafana)"): the links an alert carries, and Grafana Explore (Loki) and dashboard
links over the incident window, built from label templates. Pure.

Only ``http(s)`` links are kept: a ``javascript:`` or ``data:`` URL in an annotation is dropped,
never rendered as a link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode, urlsplit

from tocsin.domain.alert import StoredAlert

# annotation -> what the link is called in the room
LINK_ANNOTATIONS = (
    ("runbook_url", "Runbook"),
    ("dashboard_url", "Dashboard"),
    ("grafana_url", "Grafana"),
    ("logs_url", "Logs"),
)


def safe_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) URL, else ``None``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in {"http", "https"} and parts.netloc else None


def alert_links(alert: StoredAlert) -> list[tuple[str, str]]:
    """``(label, url)``: the sender's link to the alert's source, then its annotated links."""
    links = []
    source = safe_url(alert.generator_url)
    if source:
        links.append(("Source", source))
    for key, label in LINK_ANNOTATIONS:
        url = safe_url(alert.annotations.get(key, ""))
        if url:
            links.append((label, url))
    return links


# --- Loki and Grafana links over the incident window -------------------------------------------

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
MAX_LINKS = 6


@dataclass(frozen=True, slots=True)
class Diagnostics:
    """Where the logs and dashboards are (config ``diagnostics``)."""

    grafana_url: str
    loki_uid: str = "loki"
    explore_format: str = "panes"  # Grafana 10+; "left" for older Grafana
    org_id: int = 1
    before: timedelta = timedelta(minutes=15)
    logql: str = ""  # default selector template, e.g. {job="{{ job }}"}
    logql_by_source: Mapping[str, str] = field(default_factory=dict)
    logql_by_component: Mapping[str, str] = field(default_factory=dict)
    dashboards: Mapping[str, str] = field(default_factory=dict)  # component -> d/uid/slug or URL


def _escape(value: str) -> str:
    """A label value inside a LogQL double-quoted string."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _split_matchers(body: str) -> list[str] | None:
    parts, current, quoted, escaped = [], "", False, False
    for char in body:
        if escaped:
            current, escaped = current + char, False
            continue
        if char == "\\" and quoted:
            current, escaped = current + char, True
            continue
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    if quoted:
        return None
    parts.append(current)
    return [p for p in parts if p.strip()]


def _fill(text: str, labels: Mapping[str, str]) -> str | None:
    """``text`` with every ``{{ label }}`` replaced (escaped for LogQL); ``None`` if one is missing."""
    missing = [name for name in PLACEHOLDER.findall(text) if not labels.get(name)]
    if missing:
        return None
    return PLACEHOLDER.sub(lambda m: _escape(labels[m.group(1)]), text)


def render_selector(template: str, labels: Mapping[str, str]) -> str | None:
    """The LogQL query of ``template`` for these labels. A matcher that names a missing label is
    left out (never a broken query); with no matcher left, or a template that is not a stream
    selector, there is no query (``None``). A pipeline after the selector is kept when its own
    labels are present, else dropped."""
    template = template.strip()
    if not template.startswith("{") or "}" not in template:
        return None
    close = _closing_brace(template)
    if close is None:
        return None
    matchers = _split_matchers(template[1:close])
    if matchers is None:
        return None
    kept = []
    for matcher in matchers:
        if MATCHER.fullmatch(matcher) is None:
            return None
        filled = _fill(matcher.strip(), labels)
        if filled is not None:
            kept.append(filled)
    if not kept:
        return None
    pipeline = _fill(template[close + 1 :].strip(), labels) or ""
    return "{" + ", ".join(kept) + "}" + (f" {pipeline}" if pipeline else "")


def _closing_brace(template: str) -> int | None:
    quoted = escaped = False
    for n, char in enumerate(template):
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "}" and not quoted:
            return n
    return None


def window(
    first_alert_at: datetime | None, detected_at: datetime, end: datetime | None, before: timedelta
) -> tuple[datetime, datetime | None]:
    """From ``before`` the first alert (or detection) to ``end``: the resolution, or ``None``
    while the incident runs (Grafana's "now", so the link stays the same until it resolves)."""
    start = min(first_alert_at or detected_at, detected_at) - before
    return start, None if end is None else max(end, start + timedelta(minutes=1))


def _ms(at: datetime | None) -> str:
    return "now" if at is None else str(int(at.timestamp() * 1000))


def explore_url(config: Diagnostics, expr: str, start: datetime, end: datetime | None) -> str:
    """Grafana Explore on Loki with ``expr`` over ``[start, end]``, as Grafana's own URLs carry
    it: ``panes`` (Grafana 10+) or ``left`` (older), JSON, percent-encoded."""
    base = config.grafana_url.rstrip("/")
    query = {
        "refId": "A",
        "expr": expr,
        "queryType": "range",
        "datasource": {"type": "loki", "uid": config.loki_uid},
    }
    state = {"datasource": config.loki_uid, "queries": [query], "range": {"from": _ms(start), "to": _ms(end)}}
    if config.explore_format == "left":
        params = {"orgId": str(config.org_id), "left": json.dumps(state, separators=(",", ":"))}
    else:
        panes = json.dumps({"tocsin": state}, separators=(",", ":"))
        params = {"schemaVersion": "1", "panes": panes, "orgId": str(config.org_id)}
    return f"{base}/explore?{urlencode(params, quote_via=quote)}"


def dashboard_url(config: Diagnostics, target: str, start: datetime, end: datetime | None) -> str | None:
    """A dashboard (``d/uid/slug`` under Grafana, or an absolute http(s) URL) over the window."""
    url = target if "://" in target else f"{config.grafana_url.rstrip('/')}/{target.lstrip('/')}"
    if safe_url(url) is None:
        return None
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}from={_ms(start)}&to={_ms(end)}"


def _template(config: Diagnostics, source: str, component: str) -> str:
    return (
        config.logql_by_component.get(component)
        or config.logql_by_source.get(source.partition(":")[-1] or source)
        or config.logql_by_source.get(source)
        or config.logql
    )


def incident_links(
    config: Diagnostics, alerts: Sequence[StoredAlert], *, start: datetime, end: datetime | None
) -> list[tuple[str, str]]:
    """``(label, url)``: Loki queries for the alerts' labels (one per distinct query) and the
    dashboards of their components, all over ``[start, end]``; at most ``MAX_LINKS``."""
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for alert in alerts:
        if len(links) >= MAX_LINKS:  # the rest would be cut: a big group costs no more
            break
        component = alert.labels.get("component") or alert.labels.get("service") or ""
        expr = render_selector(_template(config, alert.source, component), alert.labels)
        if expr and expr not in seen:
            seen.add(expr)
            links.append((f"Logs (Loki): {expr}", explore_url(config, expr, start, end)))
        board = config.dashboards.get(component)
        url = dashboard_url(config, board, start, end) if board else None
        if url and url not in seen:
            seen.add(url)
            links.append((f"Dashboard (Grafana): {component}", url))
    return links[:MAX_LINKS]


def links_for(
    config: Diagnostics, alerts: Sequence[StoredAlert], *, detected_at: datetime, resolved_at: datetime | None
) -> list[tuple[str, str]]:
    """The incident's Loki/Grafana links over its window (see ``window``)."""
    first = min((a.starts_at for a in alerts), default=None)
    start, end = window(first, detected_at, resolved_at, config.before)
    return incident_links(config, alerts, start=start, end=end)
