"""The evidence locker's files: a directory of content-addressed files (named by their SHA-256).

An upload is written to ``.incoming-<random>`` in the same directory (hashed and counted as it
comes; past the limit it is removed at once), then renamed to its hash: a rename within one
directory is atomic, so a stored file is always complete. The name a file came with never
reaches the file system. The directory is created (mode 700) when first written to.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from tocsin.domain.errors import Conflict, NotFound
from tocsin.services.security.evidence_ports import Staged, TooLarge

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


class StagedFile:
    def __init__(self, directory: Path, temp: Path, sha256: str, size: int) -> None:
        self._directory = directory
        self._temp: Path | None = temp
        self.sha256 = sha256
        self.size = size

    def keep(self) -> bool:
        if self._temp is None:
            raise RuntimeError("this upload was already kept or discarded")
        target = self._directory / self.sha256
        existed = target.exists()
        os.replace(self._temp, target)  # same content: replacing it changes nothing
        self._temp = None
        return not existed

    def discard(self) -> None:
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


class Incoming:
    """One upload on its way in."""

    def __init__(self, directory: Path, limit: int) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._directory = directory
        self._limit = limit
        self._path = directory / f".incoming-{secrets.token_hex(12)}"
        self._file: BinaryIO | None = open(self._path, "xb")  # noqa: SIM115 - closed in finish/abort
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, chunk: bytes) -> None:
        if self._file is None:
            raise RuntimeError("this upload is finished")
        self._size += len(chunk)
        if self._size > self._limit:
            self.abort()
            raise TooLarge(self._limit)
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> Staged:
        if self._file is None:
            raise RuntimeError("this upload is finished")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        return StagedFile(self._directory, self._path, self._hash.hexdigest(), self._size)

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._path.unlink(missing_ok=True)


class EvidenceDirectory:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256[:80]!r}")
        return self.directory / sha256

    def receive(self, limit: int) -> Incoming:
        return Incoming(self.directory, limit)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self._path(sha256), "rb")  # the caller closes it
        except FileNotFoundError:
            raise NotFound(f"the file {sha256} is missing from the evidence directory") from None

    def remove(self, sha256: str) -> None:
        self._path(sha256).unlink(missing_ok=True)

    def digest(self, sha256: str) -> str | None:
        try:
            with open(self._path(sha256), "rb") as stream:
                return hashlib.file_digest(stream, "sha256").hexdigest()
        except FileNotFoundError:
            return None

    def bundle(self, files: Sequence[tuple[str, str]], documents: dict[str, bytes]) -> BinaryIO:
        out = tempfile.TemporaryFile(prefix="tocsin-evidence-", suffix=".zip")  # noqa: SIM115
        try:
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                for name, sha256 in files:
                    self._copy(archive, name, sha256)
                for name, data in documents.items():
                    archive.writestr(name, data)
        except BaseException:
            out.close()
            raise
        out.seek(0)
        return out

    def _copy(self, archive: zipfile.ZipFile, name: str, sha256: str) -> None:
        digest = hashlib.sha256()
        with self.open(sha256) as source, archive.open(name, "w", force_zip64=True) as target:
            while piece := source.read(_CHUNK):
                digest.update(piece)
                target.write(piece)
        if digest.hexdigest() != sha256:
            raise Conflict(f"{name}: the stored file no longer matches its SHA-256; run verify")
