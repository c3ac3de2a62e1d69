"""Runbooks: front matter, matching precedence, inert rendering, and the CLI's check."""

from __future__ import annotations

from pathlib import Path

import pytest

from tocsin.adapters.runbooks import RunbookDirectory, parse
from tocsin.domain.runbook import Runbook, matching, uncovered
from tocsin.web.markdown import render_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "runbooks"


def test_front_matter_names_what_a_runbook_is_for():
    book = parse(
        "db/pg.md", "---\ntitle: PG down\nalertname: [PostgreSQLDown, PGLag]\ncomponent: database\n---\n# x\n"
    )
    assert (book.title, book.alertnames, book.components) == (
        "PG down",
        {"PostgreSQLDown", "PGLag"},
        {"database"},
    )
    assert parse("a.md", "# Disk full\nbody").title == "Disk full"  # no front matter: the first heading
    with pytest.raises(ValueError, match="never closed"):
        parse("b.md", "---\ntitle: x\n")


def test_matching_precedence_alertname_then_component_then_service():
    by_name = Runbook("a.md", "By name", "", alertnames=frozenset({"PostgreSQLDown"}))
    by_component = Runbook("b.md", "By component", "", components=frozenset({"database"}))
    by_service = Runbook("c.md", "By service", "", services=frozenset({"billing"}))
    other = Runbook("d.md", "Other", "", alertnames=frozenset({"DiskFull"}))
    labels = [{"alertname": "PostgreSQLDown", "component": "database", "service": "billing"}]
    found = matching([by_service, other, by_component, by_name], labels)
    assert [(m.runbook.title, m.why) for m in found] == [
        ("By name", "alert name"),
        ("By component", "component"),
        ("By service", "service"),
    ]
    assert uncovered(["PostgreSQLDown", "DiskFull", "CPUHigh"], [by_name, other]) == ["CPUHigh"]


def test_a_directory_skips_broken_files_and_sees_edits(tmp_path):
    (tmp_path / "ok.md").write_text("---\nalertname: A\n---\n# A\n")
    (tmp_path / "bad.md").write_text("---\n: [\n---\n")
    library = RunbookDirectory(tmp_path)
    assert [r.path for r in library.all()] == ["ok.md"]
    assert library.errors()[0].startswith("bad.md:")
    (tmp_path / "ok.md").write_text("---\nalertname: B\n---\n# B\n")
    import os

    os.utime(tmp_path / "ok.md", (1, 2_000_000_000))
    assert library.all()[0].alertnames == {"B"}


def test_the_shipped_example_matches_postgresqldown():
    (book,) = RunbookDirectory(EXAMPLES).all()
    assert matching([book], [{"alertname": "PostgreSQLDown"}])[0].why == "alert name"


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "<script>alert(1)</script>",
        "[x](/relative/path)",
        "![i](data:image/png;base64,AA)",
    ],
)
def test_runbooks_render_inert_with_web_links_only(source):
    html = render_markdown(source, web_links_only=True)
    assert "<script" not in html
    assert "href=" not in html
    assert "<img" not in html
    assert 'href="https://wiki.example.org/x"' in render_markdown(
        "[w](https://wiki.example.org/x)", web_links_only=True
    )
