"""The generic webhook: one alert per request, in a JSON shape of tocsin's own.

    POST /hooks/generic/<source>
    {
      "title": "Disk almost full on db-1",      required
      "status": "firing",                       "firing" (default) or "resolved"
      "severity": "critical",                   optional; becomes the "severity" label, so the
                                                source's rules apply (P0..P3 are taken as is)
      "dedup_key": "db-1/disk",                 optional identity; else "fingerprint" (hex);
                                                else the FNV-1a fingerprint of the labels
      "labels": {"component": "database"},      optional strings; "alertname" defaults to title
      "annotations": {"runbook": "…"},          optional strings
      "description": "…",                       optional; the "description" annotation
      "starts_at": "2026-11-27T10:00:00Z",      optional RFC 3339; default: when received
      "ends_at": "…",                           optional, for resolved alerts
      "url": "https://monitor.example/check/7"  optional link back
    }

The incident group is the source's ``group_by`` labels (default ``alertname``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from tocsin.domain.alert import Alert, AlertStatus, Notification
from tocsin.domain.fingerprint import fingerprint
from tocsin.platform.payload import PayloadError, labels, obj, string, timestamp


def group_key(alert_labels: Mapping[str, str], group_by: Sequence[str]) -> str:
    """``{alertname="X", service="api"}``: Alertmanager's notation, labels in sorted order."""
    pairs = [f'{name}="{alert_labels.get(name, "")}"' for name in sorted(group_by)]
    return "{" + ", ".join(pairs) + "}"


def _identity(data: Mapping[str, Any], alert_labels: Mapping[str, str]) -> str:
    dedup = string(data, "dedup_key", "$", default="")
    if dedup:
        return fingerprint({"dedup_key": dedup})
    given = string(data, "fingerprint", "$", default="").lower()
    if given:
        if len(given) > 64 or not set(given) <= set("0123456789abcdef"):
            raise PayloadError("$.fingerprint", "must be hexadecimal (at most 64 digits)")
        return given
    return fingerprint(alert_labels)


def parse_generic(value: Any, *, source: str, group_by: Sequence[str], at: datetime) -> Notification:
    data = obj(value, "$")
    title = " ".join(string(data, "title", "$").split())
    if not title:
        raise PayloadError("$.title", "must not be empty")
    status = string(data, "status", "$", default="firing")
    if status not in ("firing", "resolved"):
        raise PayloadError("$.status", f"must be 'firing' or 'resolved', got {status!r:.40}")
    alert_labels = {"alertname": title, **labels(data, "labels", "$")}
    severity = string(data, "severity", "$", default="")
    if severity:
        alert_labels["severity"] = severity
    annotations = {"summary": title, **labels(data, "annotations", "$")}
    description = string(data, "description", "$", default="")
    if description:
        annotations["description"] = description
    alert = Alert(
        fingerprint=_identity(data, alert_labels),
        status=AlertStatus(status),
        labels=alert_labels,
        annotations=annotations,
        starts_at=timestamp(data, "starts_at", "$") or at,
        ends_at=timestamp(data, "ends_at", "$") if status == "resolved" else None,
        generator_url=string(data, "url", "$", default=""),
    )
    return Notification(source=source, group_key=group_key(alert_labels, group_by), alerts=(alert,))
