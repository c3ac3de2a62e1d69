"""``tocsin pages ls INCIDENT``: who has been paged, through what, where it stands."""

import json
from datetime import datetime

import pytest
import yaml
from typer.testing import CliRunner

from tests.paging_plan import plan
from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url, tmp_path, monkeypatch):
    path = tmp_path / "tocsin.yaml"
    data = plan(db_url, console=True)
    data["people"]["camille"]["rules"] = [{"channel": "console", "after": "3m"}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("TOCSIN_CONFIG", str(path))
    monkeypatch.delenv("TOCSIN_DATABASE_URL", raising=False)

    def run(*args, code=0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    return run


def test_pages_ls_lists_each_person_method_state_and_due_time(cli):
    cli("db", "upgrade")
    number = cli("incident", "declare", "Payments down", "--severity", "P0", "-q").output.strip()
    rows = json.loads(cli("pages", "ls", number, "--json").output)
    assert [(r["person"], r["channel"], r["purpose"], r["status"]) for r in rows] == [
        ("david", "console", "page", "pending"),
        ("camille", "console", "page", "pending"),
    ]
    delay = datetime.fromisoformat(rows[1]["due_at"]) - datetime.fromisoformat(rows[0]["due_at"])
    assert delay.total_seconds() == 180  # Camille's own rule: the console after 3 minutes
    table = cli("pages", "ls", number).output
    assert "Camille" in table
    assert "pending" in table
    assert "incident 999 does not exist" in cli("pages", "ls", "999", code=3).output
