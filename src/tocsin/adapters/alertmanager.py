"""Alertmanager webhook payloads (version "4") and the Grafana envelope built on them.

Both carry ``groupKey`` (the incident grouping key), ``truncatedAlerts`` and ``alerts[]`` with
``status``, ``labels``, ``annotations``, ``startsAt``, ``endsAt`` (Go's zero time while
firing), ``generatorURL`` and ``fingerprint`` (recomputed with FNV-1a when missing). Unknown
keys (``notification_reason``, ``routeLabels``, Grafana's ``values``, …) are ignored.
"""

from __future__ import annotations

from typing import Any

from tocsin.domain.alert import MAX_ALERTS, Alert, AlertStatus, Notification
from tocsin.domain.fingerprint import fingerprint
from tocsin.platform.payload import PayloadError, array, integer, labels, obj, string, timestamp

_HEX = frozenset("0123456789abcdef")


def parse_alert(value: Any, path: str, *, fallback_status: str = "firing") -> Alert:
    data = obj(value, path)
    status = string(data, "status", path, default=fallback_status)
    if status not in ("firing", "resolved"):
        raise PayloadError(f"{path}.status", f"must be 'firing' or 'resolved', got {status!r:.40}")
    alert_labels = labels(data, "labels", path, required=True)
    starts_at = timestamp(data, "startsAt", path, required=True)
    if starts_at is None:
        raise PayloadError(f"{path}.startsAt", "must not be the zero time")
    given = string(data, "fingerprint", path, default="").lower()
    if given and (len(given) > 64 or not set(given) <= _HEX):
        raise PayloadError(f"{path}.fingerprint", "must be hexadecimal (at most 64 digits)")
    return Alert(
        fingerprint=given or fingerprint(alert_labels),
        status=AlertStatus(status),
        labels=alert_labels,
        annotations=labels(data, "annotations", path),
        starts_at=starts_at,
        ends_at=timestamp(data, "endsAt", path) if status == "resolved" else None,
        generator_url=string(data, "generatorURL", path, default=""),
    )


def parse_envelope(value: Any, *, source: str, versions: tuple[str, ...]) -> Notification:
    """A webhook body (already JSON-decoded) -> ``Notification``; ``PayloadError`` names the path."""
    data = obj(value, "$")
    version = string(data, "version", "$", default=versions[0])
    if version not in versions:
        raise PayloadError(
            "$.version", f"unsupported version {version!r:.20} (expected {' or '.join(versions)})"
        )
    group_key = string(data, "groupKey", "$")
    if not group_key:
        raise PayloadError("$.groupKey", "must not be empty")
    items = array(data.get("alerts"), "$.alerts", max_items=MAX_ALERTS)
    return Notification(
        source=source,
        group_key=group_key,
        alerts=tuple(parse_alert(item, f"$.alerts[{i}]") for i, item in enumerate(items)),
        truncated=integer(data, "truncatedAlerts", "$"),
        external_url=string(data, "externalURL", "$", default=""),
        receiver=string(data, "receiver", "$", default=""),
    )


def parse_alertmanager(value: Any, *, source: str) -> Notification:
    return parse_envelope(value, source=source, versions=("4",))
