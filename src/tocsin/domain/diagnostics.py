"""Where a responder looks next (the plan's "Diagnostiquer: consulter logs (Loki), vérifier
métriques (Grafana)"): the links an alert carries. Pure.

Only ``http(s)`` links are kept: a ``javascript:`` or ``data:`` URL in an annotation is dropped,
never rendered as a link.
"""

from __future__ import annotations

from urllib.parse import urlsplit

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
