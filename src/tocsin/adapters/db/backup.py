"""A consistent copy of the database while tocsin runs: SQLite's online backup API (a
transactionally consistent snapshot, WAL included, readers and writers carry on), or
``pg_dump`` in its custom format for PostgreSQL (restore with ``pg_restore``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The copy could not be made; the message says why (never with a password)."""


def backup(url: str, destination: Path) -> str:
    """Copy the database at ``url`` to ``destination`` (which must not exist); returns how."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise BackupError("an in-memory SQLite database has nothing to back up")
        return _sqlite(Path(parsed.database), destination)
    if parsed.get_backend_name() == "postgresql":
        return _postgres(url, destination)
    raise BackupError(f"no backup for {parsed.get_backend_name()!r} databases")


def _sqlite(source: Path, destination: Path) -> str:
    if not source.exists():
        raise BackupError(f"no database at {source}")
    partial = destination.with_name(destination.name + ".partial")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live, sqlite3.connect(partial) as copy:
        live.backup(copy)
    partial.rename(destination)
    return "SQLite online backup"


def _postgres(url: str, destination: Path) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt install postgresql-client)")
    parsed = make_url(url)
    argv = [pg_dump, "--format=custom", f"--file={destination}", "--no-password"]
    for flag, value in (("--host", parsed.host), ("--port", parsed.port), ("--username", parsed.username)):
        if value:
            argv.append(f"{flag}={value}")
    argv.append(f"--dbname={parsed.database}")
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)  # never on the command line, where ps shows it
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - pg_dump, our args
    if done.returncode != 0:
        destination.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    return "pg_dump (custom format; restore with pg_restore)"
