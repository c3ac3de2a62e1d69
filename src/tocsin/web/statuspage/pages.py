"""Render every public document of the status page from one snapshot: HTML pages and v2 JSON."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tocsin.platform import i18n
from tocsin.services.statuspage.view import Snapshot
from tocsin.web import i18n as web_i18n
from tocsin.web.statuspage import feeds, v2

HTML = "text/html; charset=utf-8"
JSON = "application/json"
FEEDS = {
    "history.atom": ("application/atom+xml; charset=utf-8", feeds.atom),
    "history.rss": ("application/rss+xml; charset=utf-8", feeds.rss),
}


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tocsin", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    web_i18n.install(env)
    return env


class Renderer:
    """``render(snap, path)`` -> ``(content type, body)`` or ``None`` for an unknown path.
    ``path`` is relative to the page root: ``""``, ``history``, ``incidents/<id>``,
    ``api/v2/summary.json``…; in ``language`` (default: the one the running context speaks)."""

    def __init__(self, *, root: str = "/status/") -> None:
        self._env = environment()
        self._root = root

    def _html(self, snap: Snapshot, template: str, **extra: object) -> bytes:
        context = {
            "page": snap.config,
            "snap": snap,
            "root": self._root,
            "lang": i18n.language(),
            "updated": f"{snap.updated_at:%Y-%m-%d %H:%M} UTC",
            **extra,
        }
        return self._env.get_template(f"status/{template}").render(context).encode()

    def render(self, snap: Snapshot, path: str, language: str | None = None) -> tuple[str, bytes] | None:
        if language is None:
            return self._render(snap, path)
        with i18n.using(language):
            return self._render(snap, path)

    def _render(self, snap: Snapshot, path: str) -> tuple[str, bytes] | None:
        path = path.removesuffix("index.html")
        if path in ("",):
            return HTML, self._html(snap, "index.html")
        if path in ("history", "history.html"):
            return HTML, self._html(snap, "history.html")
        if path in FEEDS:
            content_type, feed = FEEDS[path]
            return content_type, feed(snap)
        if path.startswith("incidents/"):
            found = snap.find(path.removeprefix("incidents/").removesuffix(".html"))
            return None if found is None else (HTML, self._html(snap, "incident.html", incident=found))
        build = v2.DOCUMENTS.get(path.removeprefix("api/v2/"))
        if path.startswith("api/v2/") and build is not None:
            return JSON, json.dumps(build(snap), ensure_ascii=False, separators=(",", ":")).encode()
        return None

    def paths(self, snap: Snapshot) -> list[str]:
        """Every document of the page (what ``tocsin status export`` writes)."""
        return [
            "index.html",
            "history.html",
            *FEEDS,
            *(f"incidents/{i.id}.html" for i in snap.incidents),
            *(f"api/v2/{name}" for name in v2.DOCUMENTS),
        ]
