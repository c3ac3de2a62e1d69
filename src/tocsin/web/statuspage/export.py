"""The public page as files in a local directory: what ``statuspage.export_dir`` and
``tocsin status export DIR`` write (``services.statuspage.export`` decides when).

Links are rooted at ``/``: serve the directory as the root of the status host. Besides the
documents, the directory holds ``.tocsin-revision``, the status revision it shows.
"""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tocsin.services.statuspage.view import Snapshot
from tocsin.web.statuspage.pages import Renderer

MARKER = ".tocsin-revision"


class DirectorySite:
    """A ``services.statuspage.export.StaticSite`` over ``directory`` (created when missing)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._renderer = Renderer(root="/")

    @contextmanager
    def claim(self) -> Iterator[int]:
        """An exclusive ``flock`` on the directory itself: two workers (or a worker and the CLI)
        on this host export one after the other, so an older page never lands last."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield self._exported()
        finally:
            os.close(fd)  # releases the lock

    def _exported(self) -> int:
        try:
            return int((self.directory / MARKER).read_text().strip())
        except (FileNotFoundError, ValueError):
            return 0

    def write(self, snap: Snapshot, revision: int) -> int:
        written = 0
        for path in self._renderer.paths(snap):
            rendered = self._renderer.render(snap, path)
            if rendered is not None:
                _replace(self.directory / path, rendered[1])
                written += 1
        _replace(self.directory / MARKER, f"{revision}\n".encode())  # last: the files are there
        return written


def _replace(target: Path, body: bytes) -> None:
    """Write beside ``target``, then rename over it: a server reading the directory sees the old
    file or the new one, never half of one. The mode follows the umask (0644 under the usual
    022), since the web server serving the directory usually runs as another user."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("xb") as file:
            file.write(body)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
