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


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


def render_markdown(source: str) -> Markup:
    """HTML for ``source``: escaped raw HTML, only safe link targets."""
    return Markup(_parser().render(source))  # noqa: S704 - markdown-it escapes; html is off


@cache
def plan_document() -> str:
    """The incident response plan tocsin ships with, word for word (package data)."""
    return (files("tocsin") / "documents" / PLAN_DOCUMENT).read_text(encoding="utf-8")
