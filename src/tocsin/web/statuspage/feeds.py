"""Atom (RFC 4287) and RSS 2.0 feeds of the public incident history: one entry per incident,
its updates in the plan's template, newest incident first."""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from tocsin.domain.statuspage import PublicIncident
from tocsin.services.statuspage_view import Snapshot
from tocsin.web.statuspage.v2 import stable_id, ts


def _html(incident: PublicIncident) -> str:
    parts = [
        f"<p>{u.status.icon} <strong>{escape(u.status.label)}</strong> - {escape(u.body)}<br>"
        f"Posted: {u.posted_at:%Y-%m-%d %H:%M} UTC</p>"
        for u in incident.chronological()
    ]
    return "".join(parts)


def atom(snap: Snapshot) -> bytes:
    base = snap.config.url
    entries = "".join(
        "<entry>"
        f"<id>urn:tocsin:incident:{i.id}</id>"
        f"<title>{escape(i.name)}</title>"
        f'<link rel="alternate" href="{escape(base)}incidents/{i.id}"/>'
        f"<published>{ts(i.first_posted_at or i.created_at)}</published>"
        f"<updated>{ts(i.updated_at)}</updated>"
        f'<content type="html">{escape(_html(i))}</content>'
        "</entry>"
        for i in snap.incidents
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
        f"<title>{escape(i.name)}</title>"
        f"<link>{escape(base)}incidents/{i.id}</link>"
        f'<guid isPermaLink="false">urn:tocsin:incident:{i.id}</guid>'
        f"<pubDate>{format_datetime(i.first_posted_at or i.created_at, usegmt=True)}</pubDate>"
        f"<description>{escape(_html(i))}</description>"
        "</item>"
        for i in snap.incidents
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(snap.config.name)} - Incident history</title>"
        f"<link>{escape(base)}</link>"
        f"<description>{escape(snap.config.name)} incident history</description>"
        f"<lastBuildDate>{format_datetime(snap.updated_at, usegmt=True)}</lastBuildDate>"
        f"{items}</channel></rss>"
    ).encode()
