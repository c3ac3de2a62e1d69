"""``tocsin oncall …``, ``tocsin incident escalate`` and the on-call checks of ``config check``."""

import itertools
import json
import textwrap

import pytest
import yaml
from typer.testing import CliRunner

from tests.paging_plan import plan
from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def config_file(db_url, tmp_path):
    path = tmp_path / "tocsin.yaml"
    data = plan(db_url)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def cli(config_file, monkeypatch):
    monkeypatch.setenv("TOCSIN_CONFIG", str(config_file))
    monkeypatch.delenv("TOCSIN_DATABASE_URL", raising=False)

    def run(*args, code=0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    return run


def test_oncall_now_answers(cli):
    text = cli("oncall", "now").output
    assert "Astreinte SRE (sre_oncall, Europe/Brussels)" in text
    assert "Lead Engineer (role:lead_engineer)" in text
    data = json.loads(cli("oncall", "now", "--json").output)
    [sre] = data["schedules"]
    assert sre["current"]["person"] in {"sofia", "theo", "nora"}
    assert data["targets"]["role:cto"] == ["david"]


def test_oncall_show_lists_the_rotation_in_local_time(cli):
    shifts = json.loads(cli("oncall", "show", "sre_oncall", "--days", "21", "--json").output)
    people = [s["person"] for s in shifts]
    order = ["sofia", "theo", "nora"]
    assert len(people) >= 3
    assert all(order[(order.index(a) + 1) % 3] == b for a, b in itertools.pairwise(people))
    assert "CET" in cli("oncall", "show", "sre_oncall").output
    assert "does not exist" in cli("oncall", "show", "nope", code=3).output


def test_oncall_feed_prints_a_secret_url(cli):
    text = cli("oncall", "feed", "sre_oncall").output
    assert "/calendar/" in text
    assert ".ics" in text
    assert "does not exist" in cli("oncall", "feed", "zed", "--person", code=3).output


def test_incident_escalate(cli):
    cli("incident", "declare", "Login fail", "-s", "P1")
    assert "Escalated incident #1 (step 2" in cli("incident", "escalate", "1", "--by", "alice").output
    shown = json.loads(cli("incident", "show", "1", "--json").output)
    assert [e["actor"] for e in shown["timeline"] if e["kind"] == "escalated"] == ["tocsin", "alice"]


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("schedules:\n  ops:\n    name: Ops\n", "schedules.ops: has no participants"),
        (
            """
            people:
              a: {name: A, email: a@example.org}
              b: {name: B, email: b@example.org}
            schedules:
              ops:
                name: Ops
                participants: [a]
                overrides:
                  - {person: a, from: "2026-12-01 09:00", to: "2026-12-02 09:00"}
                  - {person: b, from: "2026-12-01 18:00", to: "2026-12-01 20:00"}
            """,
            "schedules.ops.overrides[1]: b overlaps overrides[0]",
        ),
        (
            """
            escalation:
              P1:
                steps:
                  - targets: [person:zed]
            """,
            "escalation.P1.steps[0].targets[0]: person 'zed' is not defined",
        ),
    ],
)
def test_config_check_fails_naming_the_item(tmp_path, yaml_text, named):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent(yaml_text).lstrip("\n"))
    result = runner.invoke(app, ["config", "check", str(path)])
    assert result.exit_code == 6, result.output
    assert named in result.output
