"""The CLI end to end, in-process, against the test database."""

import json
from datetime import datetime, timedelta

import pytest
from typer.testing import CliRunner

from tocsin.cli import app

runner = CliRunner()


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path):
    monkeypatch.delenv("TOCSIN_CONFIG", raising=False)
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)

    def run(*args, code=0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    return run


def test_declare_a_p1_then_acknowledge_it(cli):
    declared = cli("incident", "declare", "Login fail", "--severity", "P1", "--by", "alice")
    assert "Declared incident #1: Login fail [P1 (High)]" in declared.output
    shown = json.loads(cli("incident", "show", "1", "--json").output)
    detected = datetime.fromisoformat(shown["detected_at"])
    assert datetime.fromisoformat(shown["ack_due_at"]) - detected == timedelta(hours=1)
    assert shown["sla"]["running"] is True

    assert "Acknowledged incident #1" in cli("incident", "ack", "1", "--by", "bob").output
    shown = json.loads(cli("incident", "show", "1", "--json").output)
    assert shown["sla"]["running"] is False
    escalation = {"escalated", "escalation_stopped", "notified"}  # issue 4's own entries
    assert [(e["kind"], e["actor"]) for e in shown["timeline"] if e["kind"] not in escalation] == [
        ("declared", "alice"),
        ("acknowledged", "bob"),
    ]
    text = cli("incident", "show", "1").output
    assert "Acknowledged by bob" in text


def test_list_shows_open_incidents_most_severe_first(cli):
    cli("incident", "declare", "typo on pricing page", "-s", "P3")
    cli("incident", "declare", "API down", "-s", "P0")
    listed = cli("incident", "ls").output
    assert listed.index("API down") < listed.index("typo on pricing page")
    assert "2 incident(s)" in listed


def test_resolve_then_close(cli):
    cli("incident", "declare", "DB pool exhausted", "-s", "P1")
    resolved = cli("incident", "resolve", "1", "--summary", "pool 10 -> 20").output
    assert "Post-mortem required by" in resolved
    blocked = cli("incident", "close", "1", code=4)
    assert "cannot be closed until its post-mortem is complete" in blocked.output
    cli("incident", "note", "1", "pool of 10 exhausted", "--kind", "root_cause")
    cli("postmortem", "set", "1", "--root-cause", "Pool of 10 too small at peak")
    assert "Action item 1 added" in cli("postmortem", "action", "1", "Raise the pool to 20").output
    shown = cli(
        "postmortem", "why", "1", "Why did the API stall?", "The pool ran dry", "--leads-to", "1"
    ).output
    assert "draft" in shown
    assert "complete" in cli("postmortem", "complete", "1").output
    report = cli("incident", "report", "1").output
    assert report.startswith("# Incident Report - ")
    assert "Root cause identified: pool of 10 exhausted" in report
    assert "- [ ] Raise the pool to 20" in report
    assert "Closed incident #1" in cli("incident", "close", "1").output
    assert "0 incident(s)" in cli("incident", "ls").output
    assert "1 incident(s)" in cli("incident", "ls", "--all").output


def test_errors_are_one_clear_line_and_a_non_zero_exit(cli):
    bad = cli("incident", "declare", "x", "-s", "P7", code=2)
    assert "unknown severity 'P7': allowed values are P0, P1, P2, P3" in bad.output
    missing = cli("incident", "ack", "42", code=3)
    assert "incident 42 does not exist" in missing.output
    cli("incident", "declare", "x", "-s", "P2")
    cli("incident", "resolve", "1")
    cli("incident", "close", "1")
    closed = cli("incident", "ack", "1", code=4)
    assert "phase 'closed'" in closed.output
    assert "Traceback" not in closed.output


def test_token_create_prints_the_secret_alone_on_the_last_line(cli):
    created = cli("token", "create", "--name", "grafana", "--role", "viewer").output
    secret = created.strip().splitlines()[-1]
    assert secret.startswith("tocsin_")
    assert " " not in secret
    listed = cli("token", "ls").output
    assert "grafana" in listed
    assert secret not in listed
    assert "Revoked token 'grafana'" in cli("token", "revoke", "grafana").output
    assert "grafana" in cli("token", "revoke", "grafana", code=3).output


def test_bad_role_is_refused(cli):
    assert (
        "allowed values are viewer, responder, security, admin"
        in cli("token", "create", "-n", "x", "-r", "god", code=2).output
    )


def test_jobs_ls_shows_the_pending_response_timer(cli):
    cli("incident", "declare", "Login fail", "-s", "P1")
    listed = cli("jobs", "ls").output
    assert "sla.ack_deadline" in listed
    assert "0 job(s)" in cli("jobs", "ls", "--dead").output


def test_config_check_names_file_line_and_field(cli, tmp_path):
    bad = tmp_path / "tocsin.yaml"
    bad.write_text("severities:\n  P1:\n    response_time: soon\n")
    result = cli("config", "check", str(bad), code=6)
    assert f"{bad}:3" in result.output
    assert "severities.P1.response_time" in result.output
    assert "examples/demo.yaml: OK" in cli("config", "check", "examples/demo.yaml").output


def test_db_current_says_up_to_date(cli):
    assert "up to date" in cli("db", "current").output


def test_a_waiver_needs_a_reason_then_the_incident_closes(cli):
    cli("incident", "declare", "API down", "-s", "P0")
    cli("incident", "resolve", "1")
    shown = cli("postmortem", "show", "1").output
    assert "Post-mortem of #1: draft" in shown
    assert "Incident declared (P0)  [event:1]" in shown  # the keys to hide or reword entries
    empty = cli("postmortem", "waive", "1", "--reason", "  ", code=2)
    assert "reason: must not be empty" in empty.output
    assert "waived" in cli("postmortem", "waive", "1", "--reason", "a planned failover drill").output
    assert "Closed incident #1" in cli("incident", "close", "1").output
    shown = cli("incident", "show", "1").output
    assert "Post-mortem waived by cli:" in shown
    assert "a planned failover drill" in shown


def test_brackets_in_what_people_write_are_printed_as_written(cli):
    cli("incident", "declare", "Disk [/var] full on db-1", "-s", "P2")
    cli("incident", "note", "1", "checked [/etc/fstab] and [bold]nothing[/]")
    shown = cli("incident", "show", "1").output
    assert "Disk [/var] full on db-1" in shown
    assert "checked [/etc/fstab] and [bold]nothing[/]" in shown


def test_ticking_the_checklist_from_the_cli(cli):
    cli("incident", "declare", "API down", "-s", "P1")
    done = cli("incident", "check", "1", "3.2.2", "--note", "restarted api-2").output
    assert "Checked 3.2.2 on incident #1: Restart service si applicable" in done
    listing = cli("incident", "checklist", "1").output
    assert "[x] 3.2.2  Restart service si applicable — restarted api-2" in listing
    assert "[ ] 3.2.1  Rollback si déploiement récent" in listing
    cli("incident", "check", "1", "3.2.2", "--undo")
    assert "[ ] 3.2.2" in cli("incident", "checklist", "1").output
    bad = cli("incident", "check", "1", "7.7", code=2)
    assert "no checklist line '7.7'" in bad.output


def test_runbooks_check_lists_alerts_without_one(cli, monkeypatch, tmp_path):
    from pathlib import Path

    examples = Path(__file__).resolve().parents[2] / "examples" / "runbooks"
    monkeypatch.setenv("TOCSIN_RUNBOOKS__DIR", str(examples))
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "groups:\n- name: db\n  rules:\n"
        "  - alert: PostgreSQLDown\n    expr: pg_up == 0\n"
        "  - alert: DiskAlmostFull\n    expr: disk > 0.9\n"
        "  - alert: CPUHigh\n    expr: cpu > 0.9\n    annotations:\n      runbook_url: https://wiki.example.org/cpu\n"
    )
    missing = cli("runbooks", "check", "--rules", str(rules), code=1).output
    assert "1 alert(s) in" in missing
    assert "  DiskAlmostFull" in missing
    assert "PostgreSQLDown" not in missing.split("runbook:")[1]
    assert "Every alert among the alerts received has a runbook." in cli("runbooks", "check").output
    bad = tmp_path / "bad.yml"
    bad.write_text("just: text\n")
    assert "not a Prometheus rules file" in cli("runbooks", "check", "--rules", str(bad), code=2).output


def test_token_create_twice_says_how_and_rotate_replaces_it(cli):
    first = cli("token", "create", "--name", "me", "--role", "admin").output.strip().splitlines()[-1]
    again = cli("token", "create", "--name", "me", "--role", "admin", code=4).output
    assert "an active token named 'me' already exists" in again
    assert "tocsin token revoke me" in again
    assert "--rotate" in again
    rotated = cli("token", "create", "--name", "me", "--role", "admin", "--rotate").output
    second = rotated.strip().splitlines()[-1]
    assert second.startswith(first[:4])
    assert second != first
    listing = cli("token", "ls").output
    assert listing.count("me ") >= 2  # the revoked one stays listed, with its revocation time


def test_the_cli_speaks_server_language(cli, monkeypatch):
    monkeypatch.setenv("TOCSIN_SERVER__LANGUAGE", "fr")
    declared = cli("incident", "declare", "Login fail", "--severity", "P1", "--by", "alice").output
    assert "Incident #1 déclaré : Login fail [P1 (High)]" in declared
    assert "À acquitter avant " in declared
    assert "Incident #1 acquitté à " in cli("incident", "ack", "1").output
    assert "Incident #1 résolu" in cli("incident", "resolve", "1").output
    refused = cli("incident", "close", "1", code=4).output
    assert refused.startswith("erreur :")
    monkeypatch.delenv("TOCSIN_SERVER__LANGUAGE")
    assert "Declared incident #2" in cli("incident", "declare", "Other", "-s", "P3").output
