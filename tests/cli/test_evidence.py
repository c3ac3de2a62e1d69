"""``tocsin evidence``: add, reference, hold, delete, export; ``verify`` exits 1 and names the
first bad custody entry after a row was edited, deleted or moved in the database directly."""

from __future__ import annotations

import hashlib
import zipfile

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.web.evidence_helpers import security_incident
from tocsin import bootstrap
from tocsin.adapters.db.schema import evidence_custody
from tocsin.cli import app
from tocsin.config import Settings

runner = CliRunner()


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path):
    monkeypatch.delenv("TOCSIN_CONFIG", raising=False)
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)
    monkeypatch.setenv("TOCSIN_SECURITY__EVIDENCE__DIR", str(tmp_path / "locker"))
    monkeypatch.setenv("TOCSIN_SECURITY__EVIDENCE__MAX_BYTES", "1000")

    def run(*args, code=0):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == code, result.output
        return result.output

    return run


@pytest.fixture
def engine(db_url):
    built = sa.create_engine(db_url)
    yield built
    built.dispose()


@pytest.fixture
def incident(db_url):
    container = bootstrap.build(Settings.model_validate({"database": {"url": db_url}}))
    try:
        return security_incident(container.services)
    finally:
        container.close()


def fill(cli, incident, tmp_path):
    log = tmp_path / "auth.log"
    log.write_bytes(b"Accepted password for admin from 203.0.113.9\n")
    assert "Added item 1: auth.log" in cli("evidence", "add", incident, log, "--by", "sam")
    assert "Added reference 2: snap-0abc" in cli(
        "evidence", "ref", incident, "snap-0abc", "--label", "db-1 disk"
    )
    assert "under legal hold" in cli("evidence", "hold", incident, "on", "--note", "counsel")
    assert "no longer held" in cli("evidence", "hold", incident, "off")
    assert "OK: 4 custody entries" in cli("evidence", "verify", incident)


def test_add_ref_hold_delete_and_export(cli, incident, tmp_path):
    fill(cli, incident, tmp_path)
    cli("evidence", "hold", incident, "on")
    refused = cli("evidence", "delete", incident, 1, code=4)
    assert "legal hold" in refused
    cli("evidence", "hold", incident, "off")
    assert "Deleted item 2 (db-1 disk)" in cli("evidence", "delete", incident, 2, "--note", "wrong snapshot")
    listed = cli("evidence", "ls", incident)
    assert "1 item(s), not held, 7 custody entries" in listed
    assert "auth.log" in listed
    target = tmp_path / "out.zip"
    assert f"Wrote {target}" in cli("evidence", "export", incident, "-o", target)
    with zipfile.ZipFile(target) as archive:
        for line in archive.read("MANIFEST.sha256").decode().splitlines():
            digest, name = line.split("  ", 1)
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    assert "exported" in cli("evidence", "custody", incident)


def test_a_file_over_the_limit_is_refused(cli, incident, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1001)
    assert "larger than the limit of 1000 bytes" in cli("evidence", "add", incident, big, code=2)
    assert list((tmp_path / "locker").iterdir()) == []


def _swap(conn, incident, a, b):
    table = evidence_custody
    mine = table.c.incident_id == incident
    conn.execute(table.update().where(mine, table.c.seq == a).values(seq=-1))
    conn.execute(table.update().where(mine, table.c.seq == b).values(seq=a))
    conn.execute(table.update().where(mine, table.c.seq == -1).values(seq=b))


@pytest.mark.parametrize(
    ("tamper", "seq", "says"),
    [
        (
            lambda c, i: c.execute(
                evidence_custody.update().where(evidence_custody.c.seq == 2).values(note="x")
            ),
            2,
            "edited",
        ),
        (lambda c, i: c.execute(evidence_custody.delete().where(evidence_custody.c.seq == 2)), 3, "removed"),
        (lambda c, i: _swap(c, i, 2, 3), 2, "moved"),
        (
            lambda c, i: c.execute(
                evidence_custody.update().where(evidence_custody.c.seq == 1).values(actor="nobody")
            ),
            1,
            "edited",
        ),
    ],
    ids=["edited", "deleted", "reordered", "first-edited"],
)
def test_verify_exits_1_naming_the_first_bad_entry(cli, incident, tmp_path, engine, tamper, seq, says):
    fill(cli, incident, tmp_path)
    with engine.begin() as conn:
        tamper(conn, incident)
    output = cli("evidence", "verify", incident, code=1)
    assert f"BROKEN: custody entry {seq}:" in output
    assert says in output


def test_verify_finds_a_stored_file_changed_on_disk(cli, incident, tmp_path):
    fill(cli, incident, tmp_path)
    (stored,) = (tmp_path / "locker").iterdir()
    stored.write_bytes(b"rewritten")
    output = cli("evidence", "verify", incident, code=1)
    assert "item 1 (auth.log): its file no longer matches its SHA-256" in output
