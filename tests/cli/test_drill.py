"""``tocsin drill`` against the fake Slack, the fake GitHub and a real SMTP sink: "[DRILL]" in
each, the status page refusing the drill, and the exit codes."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from tests.github_fake import TOKEN
from tests.slack_fake import FakeSlack, slack_plan
from tests.smtp_sink import smtp_settings
from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path, slack_fake: FakeSlack, github_fake, sink):
    config = slack_plan(db_url, slack_fake, direct_messages=False)
    config["github"] = {"repository": "acme/shop", "token": TOKEN, "api_url": github_fake.base_url}
    config["notifications"] = {"console": False, "email": smtp_settings(sink, "tocsin@example.org")}
    config["statuspage"] = {"enabled": True, "components": {"api": {"name": "API"}}}
    config.pop("database")
    path = tmp_path / "tocsin.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.setenv("TOCSIN_CONFIG", str(path))
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)

    def run(*args: str, code: int = 0):
        result = runner.invoke(app, ["drill", *args])
        assert result.exit_code == code, result.output
        return result

    return run


def test_the_drill_says_drill_in_slack_github_and_the_pages(cli, slack_fake, github_fake, sink):
    result = cli("--json", "--timeout", "10")
    answer = json.loads(result.stdout)
    assert answer["ok"]
    assert answer["closed"]
    assert answer["drill"]
    verdicts = {i["integration"]: (i["expected"], i["answered"]) for i in answer["integrations"]}
    assert verdicts == {
        "slack": (True, True),
        "github": (True, True),
        "email": (True, True),
        "statuspage": (True, True),
    }
    assert next(s["step"] for s in answer["steps"]) == "alert"
    (card,) = slack_fake.top_level()
    assert card["text"].startswith("[P1] #1 [DRILL] ")
    assert "[DRILL] APIHighLatency: API P99 > 5s" in json.dumps(card["blocks"])
    issue, *action_items = sorted(github_fake.issues.items())
    assert issue[1]["title"] == "[DRILL] [P1] APIHighLatency: API P99 > 5s"
    assert [i["title"] for _, i in action_items] == [
        "[DRILL] [#1] Increase connection pool to 20",
        "[DRILL] [#1] Add alert for connection pool usage > 80%",
        "[DRILL] [#1] Load test with realistic traffic",
    ]
    subjects = [m["Subject"] for m in sink.messages]
    assert subjects
    assert all(s.startswith("[DRILL] ") for s in subjects)
    (status,) = [i for i in answer["integrations"] if i["integration"] == "statuspage"]
    assert "kept private; publishing refused" in status["detail"]


def test_text_output_lists_the_steps_and_the_integrations(cli):
    out = cli("--keep", "--severity", "P2").stdout
    assert "DRILL #1 [DRILL] APIHighLatency: API P99 > 5s (P2)" in out
    for line in (
        "Alert fired: API P99 > 5s (P2)",
        "Incident acknowledged",
        "Mitigation: Restarted API service",
    ):
        assert line in out
    assert "Slack posted?" in out
    assert "GitHub issue opened?" in out
    assert "e-mail accepted by SMTP?" in out
    assert "left open (--keep)" in out
    assert "# Incident Report - " in out


def test_an_integration_that_does_not_answer_exits_7(cli, sink):
    sink.stop()
    result = cli("--timeout", "1", code=7)
    assert "no answer from email within 1 s" in result.output
    assert "e-mail accepted by SMTP?" in result.stdout


def test_a_bad_severity_is_a_usage_error(cli):
    result = cli("--severity", "P9", code=2)
    assert "--severity" in result.output
    assert "P0, P1, P2 or P3" in result.output
