"""The export directory itself: files a web server running as another user can read, replaced
atomically, and one exporter at a time."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from tocsin.services.statuspage.view import snapshot
from tocsin.web.statuspage.export import MARKER, DirectorySite


def test_every_document_is_written_readable_by_the_web_server(services, tmp_path: Path):
    site = DirectorySite(tmp_path / "site")
    previous = os.umask(0o022)
    try:
        written = site.write(snapshot(services), 7)
    finally:
        os.umask(previous)
    files = sorted(p.relative_to(site.directory).as_posix() for p in site.directory.rglob("*") if p.is_file())
    assert {"index.html", "history.html", "api/v2/summary.json", MARKER} <= set(files)
    assert written == len(files) - 1  # every document, then the marker
    assert all(stat.S_IMODE((site.directory / f).stat().st_mode) == 0o644 for f in files)
    assert (site.directory / MARKER).read_text() == "7\n"


def test_rewriting_leaves_no_temporary_files(services, tmp_path: Path):
    site = DirectorySite(tmp_path / "site")
    site.write(snapshot(services), 1)
    site.write(snapshot(services), 2)
    assert [p.name for p in site.directory.rglob("*") if p.name.endswith(".tmp")] == []


def test_a_missing_or_unreadable_marker_means_never_exported(tmp_path: Path):
    site = DirectorySite(tmp_path / "site")
    with site.claim() as exported:
        assert exported == 0
    (site.directory / MARKER).write_text("not a number")
    with site.claim() as exported:
        assert exported == 0


def test_a_second_exporter_waits_for_the_first(tmp_path: Path):
    first, second = DirectorySite(tmp_path / "site"), DirectorySite(tmp_path / "site")
    entered = threading.Event()

    def claim_second() -> None:
        with second.claim():
            entered.set()

    with first.claim():
        waiting = threading.Thread(target=claim_second)
        waiting.start()
        assert not entered.wait(0.2)
    assert entered.wait(5)
    waiting.join()
