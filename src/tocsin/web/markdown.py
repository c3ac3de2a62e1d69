"""Markdown shown in pages (the plan document; later runbooks and post-mortems), rendered inert.

Raw HTML in the source is escaped, never passed through, and a link or image whose target is
not ``http(s)``, ``mailto`` or a relative path is dropped to its text: a ``javascript:`` link in a
document cannot run in a responder's browser.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from markdown_it import MarkdownIt
from markupsafe import Markup

SAFE_SCHEMES = ("http://", "https://", "mailto:")
PLAN_DOCUMENT = "incident-response-plan.md"


def _safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    if lowered.startswith(SAFE_SCHEMES):
        return True
    return ":" not in lowered.split("/", 1)[0]  # relative: no scheme before the first slash


def _web_link(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://"))


@cache
def _parser(strict: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _web_link if strict else _safe_link  # type: ignore[method-assign]
    return md


def render_markdown(source: str, *, web_links_only: bool = False) -> Markup:
    """HTML for ``source``: escaped raw HTML, only safe link targets (``web_links_only``: http(s)
    alone, for documents written outside tocsin such as runbooks)."""
    return Markup(_parser(web_links_only).render(source))  # noqa: S704 - markdown-it escapes; html is off


@cache
def plan_document() -> str:
    """The incident response plan tocsin ships with, word for word (package data)."""
    return (files("tocsin") / "documents" / PLAN_DOCUMENT).read_text(encoding="utf-8")
