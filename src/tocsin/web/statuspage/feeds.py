"""Atom (RFC 4287) and RSS 2.0 feeds of the public history: one entry per incident and one per
scheduled maintenance, their updates in the plan's template, the most recently published first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from tocsin.domain.maintenance import Maintenance, MaintenanceUpdate
from tocsin.domain.statuspage import PublicIncident, PublicUpdate
from tocsin.services.statuspage.view import Snapshot, maintenance_path
from tocsin.web.statuspage.v2 import stable_id, ts


@dataclass(frozen=True, slots=True)
class _Entry:
    urn: str
    title: str
    link: str
    published: datetime
    updated: datetime
    html: str


def _updates(updates: Iterable[PublicUpdate | MaintenanceUpdate]) -> str:
    return "".join(
        f"<p>{u.status.icon} <strong>{escape(u.status.label)}</strong> - {escape(u.body)}<br>"
        f"Posted: {u.posted_at:%Y-%m-%d %H:%M} UTC</p>"
        for u in updates
    )


def _incident(base: str, incident: PublicIncident) -> _Entry:
    return _Entry(
        urn=f"urn:tocsin:incident:{incident.id}",
        title=incident.name,
        link=f"{base}incidents/{incident.id}",
        published=incident.first_posted_at or incident.created_at,
        updated=incident.updated_at,
        html=_updates(incident.chronological()),
    )


def _maintenance(snap: Snapshot, maintenance: Maintenance) -> _Entry:
    """``maintenance`` comes from the snapshot: its components are public ones already."""
    names = {v.component.key: v.component.name for v in snap.components}
    affected = ", ".join(names[k] for k in maintenance.components if k in names)
    window = (
        f"Scheduled: {maintenance.scheduled_for:%Y-%m-%d %H:%M} – "
        f"{maintenance.scheduled_until:%Y-%m-%d %H:%M} UTC"
    )
    if affected:
        window += f"<br>Affects: {escape(affected)}"
    return _Entry(
        urn=f"urn:tocsin:maintenance:{maintenance.id}",
        title=f"Maintenance: {maintenance.name}",
        link=f"{snap.config.url}{maintenance_path(maintenance)}",
        published=maintenance.created_at,
        updated=maintenance.updated_at,
        html=f"<p>{window}</p>{_updates(maintenance.chronological())}",
    )


def _entries(snap: Snapshot) -> list[_Entry]:
    entries = [_incident(snap.config.url, i) for i in snap.incidents]
    entries += [_maintenance(snap, m) for m in snap.maintenances]
    return sorted(entries, key=lambda e: e.published, reverse=True)


def atom(snap: Snapshot) -> bytes:
    base = snap.config.url
    entries = "".join(
        "<entry>"
        f"<id>{e.urn}</id>"
        f"<title>{escape(e.title)}</title>"
        f'<link rel="alternate" href="{escape(e.link)}"/>'
        f"<published>{ts(e.published)}</published>"
        f"<updated>{ts(e.updated)}</updated>"
        f'<content type="html">{escape(e.html)}</content>'
        "</entry>"
        for e in _entries(snap)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:tocsin:page:{stable_id('page', base)}</id>"
        f"<title>{escape(snap.config.name)} - Incident history</title>"
        f'<link rel="alternate" href="{escape(base)}"/>'
        f'<link rel="self" href="{escape(base)}history.atom"/>'
        f"<updated>{ts(snap.updated_at)}</updated>"
        f"<author><name>{escape(snap.config.name)}</name></author>"
        f"{entries}</feed>"
    ).encode()


def rss(snap: Snapshot) -> bytes:
    base = snap.config.url
    items = "".join(
        "<item>"
        f"<title>{escape(e.title)}</title>"
        f"<link>{escape(e.link)}</link>"
        f'<guid isPermaLink="false">{e.urn}</guid>'
        f"<pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>"
        f"<description>{escape(e.html)}</description>"
        "</item>"
        for e in _entries(snap)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(snap.config.name)} - Incident history</title>"
        f"<link>{escape(base)}</link>"
        f"<description>{escape(snap.config.name)} incident history</description>"
        f"<lastBuildDate>{format_datetime(snap.updated_at, usegmt=True)}</lastBuildDate>"
        f"{items}</channel></rss>"
    ).encode()
