"""The deployment kit in deploy/ is checked as shipped: the systemd units pass
``systemd-analyze verify`` without a warning (with the path of this machine's ``tocsin`` in
place of /opt/tocsin), and ``tocsin db backup`` makes a copy that opens and holds the data, on
SQLite while another connection writes, and with pg_dump on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tocsin.adapters.db import migrate

ROOT = Path(__file__).resolve().parent.parent
UNITS = ("tocsin-web.service", "tocsin-worker@.service")
PG_URL = os.environ.get("TOCSIN_TEST_DATABASE_URL", "")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS)
def test_the_systemd_units_verify_cleanly(tmp_path, unit):
    text = (ROOT / "deploy" / "systemd" / unit).read_text(encoding="utf-8")
    assert "/opt/tocsin/bin/tocsin" in text
    here = str(Path(sys.executable).parent / "tocsin")
    (tmp_path / unit).write_text(text.replace("/opt/tocsin/bin/tocsin", here), encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / unit)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # an unknown key is only a warning: none allowed


def tocsin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tocsin", *args], env=env, capture_output=True, text=True, check=False
    )


def environment(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
    return {**env, "TOCSIN_DATABASE__URL": url}


def test_a_sqlite_backup_is_consistent_while_writes_go_on(tmp_path):
    db = tmp_path / "tocsin.db"
    url = f"sqlite:///{db}"
    migrate.upgrade(url)
    env = environment(url)
    assert tocsin(env, "incident", "declare", "Disk full", "--severity", "P2").returncode == 0
    writer = sqlite3.connect(db)
    writer.execute("BEGIN IMMEDIATE")  # a write in progress: the backup sees the last commit
    writer.execute("UPDATE incidents SET title = 'uncommitted'")
    copy = tmp_path / "backup.db"
    done = tocsin(env, "db", "backup", str(copy))
    writer.rollback()
    writer.close()
    assert done.returncode == 0, done.stderr
    assert "SQLite online backup" in done.stdout
    with sqlite3.connect(copy) as restored:
        assert restored.execute("SELECT title FROM incidents").fetchall() == [("Disk full",)]
    again = tocsin(env, "db", "backup", str(copy))
    assert again.returncode == 2
    assert "never overwritten" in again.stderr


@pytest.mark.postgres
@pytest.mark.skipif(
    not PG_URL or shutil.which("pg_restore") is None, reason="needs PostgreSQL and pg_restore"
)
def test_a_postgresql_backup_is_a_pg_dump_archive(tmp_path, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    env = environment(db_url)
    assert tocsin(env, "incident", "declare", "Disk full", "--severity", "P2").returncode == 0
    dump = tmp_path / "tocsin.dump"
    done = tocsin(env, "db", "backup", str(dump))
    assert done.returncode == 0, done.stderr
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public incidents" in listing.stdout
