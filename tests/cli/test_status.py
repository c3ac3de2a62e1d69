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


def test_maintenance_schedule_update_and_list(cli, tmp_path):
    scheduled = cli(
        "status",
        "maintenance",
        "schedule",
        "Database upgrade",
        "--for",
        "2030-01-01T22:00:00Z",
        "--until",
        "2030-01-01T23:00:00Z",
        "-m",
        "We will upgrade the database.",
        "-c",
        "api",
    ).output
    maintenance_id = scheduled.split()[0]
    assert "**Scheduled** - We will upgrade the database." in scheduled
    started = cli("status", "maintenance", "update", maintenance_id, "in_progress", "-m", "Under way.")
    assert "**In progress** - Under way." in started.output
    cli("status", "maintenance", "update", maintenance_id, "bogus", "-m", "x", code=2)
    cli("status", "maintenance", "schedule", "x", "--for", "soon", "--until", "later", "-m", "x", code=2)
    listed = cli("status", "maintenance", "list").output
    assert maintenance_id in listed
    assert "in_progress" in listed
    out = tmp_path / "site"
    cli("status", "export", str(out))
    summary = json.loads((out / "api/v2/summary.json").read_text())
    statuses = {c["name"]: c["status"] for c in summary["components"]}
    assert statuses == {"Login": "operational", "API": "under_maintenance"}
    assert [m["status"] for m in summary["scheduled_maintenances"]] == ["in_progress"]
