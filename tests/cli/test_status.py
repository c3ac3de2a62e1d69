"""``tocsin status``: post updates from a terminal, export the page as static files."""

import json

import pytest
from typer.testing import CliRunner

from tocsin.cli import app

runner = CliRunner()

CONFIG = """
statuspage:
  name: KoproGo Status
  components:
    login: {name: Login}
    api: {name: API}
"""


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path):
    config = tmp_path / "tocsin.yaml"
    config.write_text(CONFIG)
    monkeypatch.setenv("TOCSIN_CONFIG", str(config))
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)

    def run(*args, code=0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    return run


def test_update_then_export(cli, tmp_path):
    cli("incident", "declare", "Login fail", "--severity", "P1")
    first = cli("status", "update", "1", "investigating", "-c", "login").output
    assert "🔴 **Investigating** - We are currently investigating issues with Login." in first
    assert "Posted: " in first
    second = cli(
        "status", "update", "1", "identified", "-m", "Database connection problem.", "-c", "api=major_outage"
    )
    assert "🟡 **Identified** - Database connection problem." in second.output
    cli("status", "update", "1", "bogus", code=2)
    out = tmp_path / "site"
    assert "Wrote" in cli("status", "export", str(out)).output
    summary = json.loads((out / "api/v2/summary.json").read_text())
    statuses = {c["name"]: c["status"] for c in summary["components"]}
    assert statuses == {"Login": "partial_outage", "API": "major_outage"}
    [incident] = summary["incidents"]
    assert (out / f"incidents/{incident['id']}.html").exists()
    index = (out / "index.html").read_text()
    assert "Database connection problem." in index
    assert "Partial outage: Login" in index


def test_approve_email_without_one_fails(cli):
    cli("incident", "declare", "Login fail", "--severity", "P1")
    result = runner.invoke(app, ["status", "approve-email", "1"])
    assert result.exit_code != 0
    assert "no customer email" in result.output
