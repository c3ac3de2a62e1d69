"""Atlassian Statuspage public API v2 documents (WIRE-FORMATS.md §2e) from a snapshot.

Ids are 12 lowercase hex characters derived from stable keys, so they survive restarts and
are the same on every replica. Only public components and published incidents appear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tocsin.domain.maintenance import Maintenance, MaintenanceStatus, MaintenanceUpdate
from tocsin.domain.statuspage import PublicIncident, PublicUpdate
from tocsin.services.statuspage.view import ComponentView, Snapshot

Json = dict[str, Any]


def stable_id(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:12]


def ts(value: datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value else None


def page(snap: Snapshot) -> Json:
    return {
        "id": stable_id("page", snap.config.url),
        "name": snap.config.name,
        "url": snap.config.url.rstrip("/"),
        "time_zone": "Etc/UTC",
        "updated_at": ts(snap.updated_at),
    }


def _component(snap: Snapshot, view: ComponentView, group_id: str | None) -> Json:
    c = view.component
    return {
        "id": stable_id("component", c.key),
        "name": c.name,
        "status": view.status.value,
        "created_at": ts(view.created_at),
        "updated_at": ts(view.updated_at),
        "position": c.position,
        "description": c.description or None,
        "showcase": True,
        "start_date": None,
        "group_id": group_id,
        "page_id": stable_id("page", snap.config.url),
        "group": False,
        "only_show_if_degraded": False,
    }


def components(snap: Snapshot) -> list[Json]:
    """Components, and one group component per configured group listing its children."""
    out: list[Json] = []
    for position, (group, views) in enumerate(snap.groups(), start=1):
        group_id = stable_id("group", group) if group else None
        children = [_component(snap, v, group_id) for v in views]
        if group_id is not None:
            worst = max(views, key=lambda v: _SEVERITY[v.status.value])
            out.append(
                {
                    **_component(snap, worst, None),
                    "id": group_id,
                    "name": group,
                    "description": None,
                    "position": 1000 + position,
                    "group": True,
                    "components": [c["id"] for c in children],
                }
            )
        out.extend(children)
    return out


_SEVERITY = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}


def _update(incident: PublicIncident, update: PublicUpdate) -> Json:
    affected = [
        {
            "code": stable_id("component", c.key),
            "name": c.name,
            "old_status": c.old_status.value,
            "new_status": c.new_status.value,
        }
        for c in update.affected
    ]
    return {
        "id": update.id,
        "status": update.status.value,
        "body": update.body,
        "incident_id": incident.id,
        "created_at": ts(update.posted_at),
        "updated_at": ts(update.posted_at),
        "display_at": ts(update.posted_at),
        "affected_components": affected or None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident(snap: Snapshot, public: PublicIncident) -> Json:
    by_key = {v.component.key: v for v in snap.components}
    return {
        "id": public.id,
        "name": public.name,
        "status": public.status.value,
        "created_at": ts(public.created_at),
        "updated_at": ts(public.updated_at),
        "monitoring_at": ts(public.monitoring_at),
        "resolved_at": ts(public.resolved_at),
        "impact": public.impact,
        "shortlink": f"{snap.config.url.rstrip('/')}/incidents/{public.id}",
        "started_at": ts(public.first_posted_at or public.created_at),
        "page_id": stable_id("page", snap.config.url),
        "incident_updates": [_update(public, u) for u in public.updates],
        "components": [_component(snap, by_key[k], None) for k in public.components if k in by_key],
    }


def status(snap: Snapshot) -> Json:
    return {"indicator": snap.indicator.indicator, "description": snap.indicator.description}


def _maintenance_update(maintenance: Maintenance, update: MaintenanceUpdate) -> Json:
    return {
        "id": update.id,
        "status": update.status.value,
        "body": update.body,
        "incident_id": maintenance.id,
        "created_at": ts(update.posted_at),
        "updated_at": ts(update.posted_at),
        "display_at": ts(update.posted_at),
        "affected_components": None,
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def maintenance(snap: Snapshot, m: Maintenance) -> Json:
    """A scheduled maintenance: the incident shape plus ``scheduled_for`` / ``scheduled_until``;
    ``monitoring_at`` marks verifying and ``resolved_at`` completion, as Statuspage does."""
    by_key = {v.component.key: v for v in snap.components}
    verifying = next(
        (u.posted_at for u in m.chronological() if u.status is MaintenanceStatus.VERIFYING), None
    )
    return {
        "id": m.id,
        "name": m.name,
        "status": m.status.value,
        "created_at": ts(m.created_at),
        "updated_at": ts(m.updated_at),
        "monitoring_at": ts(verifying),
        "resolved_at": ts(m.completed_at),
        "impact": "maintenance",
        "shortlink": f"{snap.config.url.rstrip('/')}/#maintenance-{m.id}",
        "started_at": ts(m.started_at or m.scheduled_for),
        "page_id": stable_id("page", snap.config.url),
        "incident_updates": [_maintenance_update(m, u) for u in m.updates],
        "components": [_component(snap, by_key[k], None) for k in m.components if k in by_key],
        "scheduled_for": ts(m.scheduled_for),
        "scheduled_until": ts(m.scheduled_until),
    }


def _maintenances(snap: Snapshot) -> list[Json]:
    return [maintenance(snap, m) for m in snap.maintenances]


def _upcoming(snap: Snapshot) -> list[Json]:
    return [maintenance(snap, m) for m in snap.upcoming_maintenances]


def _active(snap: Snapshot) -> list[Json]:
    return [maintenance(snap, m) for m in snap.active_maintenances]


def _with_page(key: str, build: Callable[[Snapshot], Any]) -> Callable[[Snapshot], Json]:
    return lambda snap: {"page": page(snap), key: build(snap)}


DOCUMENTS: dict[str, Callable[[Snapshot], Json]] = {
    "summary.json": lambda snap: {
        "page": page(snap),
        "components": components(snap),
        "incidents": [incident(snap, i) for i in snap.unresolved],
        "scheduled_maintenances": _active(snap) + _upcoming(snap),
        "status": status(snap),
    },
    "status.json": _with_page("status", status),
    "components.json": _with_page("components", components),
    "incidents.json": _with_page("incidents", lambda snap: [incident(snap, i) for i in snap.incidents]),
    "incidents/unresolved.json": _with_page(
        "incidents", lambda snap: [incident(snap, i) for i in snap.unresolved]
    ),
    "scheduled-maintenances.json": _with_page("scheduled_maintenances", _maintenances),
    "scheduled-maintenances/upcoming.json": _with_page("scheduled_maintenances", _upcoming),
    "scheduled-maintenances/active.json": _with_page("scheduled_maintenances", _active),
}
