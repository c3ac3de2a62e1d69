"""Markdown rendered into pages is inert: no raw HTML, no script links."""

from __future__ import annotations

import pytest

from tocsin.web.markdown import plan_document, render_markdown


def test_headings_tables_and_links_render():
    html = render_markdown("## Steps\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[docs](https://example.org/x)")
    assert "<h2>Steps</h2>" in html
    assert "<td>1</td>" in html
    assert '<a href="https://example.org/x">docs</a>' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='javascript:alert(1)'>x</a>",
    ],
)
def test_raw_html_and_script_links_are_inert(source):
    html = render_markdown(source)
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html.lower()
    assert "<a href='javascript" not in html.lower()


def test_relative_and_mailto_links_are_kept():
    assert 'href="/runbooks/db"' in render_markdown("[db](/runbooks/db)")
    assert 'href="mailto:sre@example.org"' in render_markdown("[m](mailto:sre@example.org)")


def test_the_shipped_plan_is_the_plan_word_for_word():
    text = plan_document()
    assert text.startswith("# Incident Response Plan")
    assert "Notification GDPR : CNIL sous 72h si breach" in text
    assert "- 14:32 - Incident acknowledged" in text
