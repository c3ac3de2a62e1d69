"""``tocsin incident isolate``: lists the actions, asks before sending (showing method and URL),
sends with --yes, undoes with --undo; a missing ${WAF_TOKEN} is a configuration error naming it."""

from __future__ import annotations

import pytest
import yaml
from typer.testing import CliRunner

from tests.waf_fake import TOKEN, action, running
from tocsin.cli import app
from tocsin.cli.runtime import container, local_actor
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import flags

runner = CliRunner()


@pytest.fixture
def waf():
    with running() as fake:
        yield fake


@pytest.fixture
def cli(db_url, monkeypatch, tmp_path, waf):
    config = tmp_path / "tocsin.yaml"
    config.write_text(
        yaml.safe_dump({"security": {"isolation": {"actions": {"block_ip_range": action(waf.url)}}}})
    )
    monkeypatch.setenv("TOCSIN_CONFIG", str(config))
    monkeypatch.setenv("TOCSIN_DATABASE_URL", db_url)
    monkeypatch.setenv("WAF_TOKEN", TOKEN)

    def run(*args, code=0, answer=None):
        result = runner.invoke(app, list(args), input=answer)
        assert result.exit_code == code, result.output
        return result

    return run


def security_incident(cli):
    cli("incident", "declare", "Odd logins", "--severity", "P1")
    refused = cli("incident", "isolate", "1", "block_ip_range", "-p", "cidr=203.0.113.0/24", "--yes", code=4)
    assert "not a security incident: mark it as one first" in refused.output
    with container() as c:
        flags.mark_security_incident(
            c.services, IncidentId(1), reason="credential stuffing", by=local_actor("alice")
        )


def test_asks_first_then_sends_then_undoes(cli, waf):
    security_incident(cli)
    listed = cli("incident", "isolate", "1").output
    assert "block_ip_range" in listed
    assert "never run" in listed

    declined = cli(
        "incident", "isolate", "1", "block_ip_range", "-p", "cidr=203.0.113.0/24", code=1, answer="n\n"
    )
    assert f"Incident #1: Block IP range (run): POST {waf.url}/rules with body" in declined.output
    assert "nothing was sent" in declined.output
    assert waf.requests == []

    sent = cli("incident", "isolate", "1", "block_ip_range", "-p", "cidr=203.0.113.0/24", answer="y\n")
    assert f"Isolation 'Block IP range' run: POST {waf.url}/rules → 201" in sent.output
    assert waf.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in sent.output

    waf.status = 204
    undone = cli("incident", "isolate", "1", "block_ip_range", "--undo", "--yes")
    assert f"undo: DELETE {waf.url}/rules/203.0.113.0%2F24 → 204" in undone.output
    assert "undone" in cli("incident", "isolate", "1").output


def test_a_failure_exits_non_zero_and_says_it_was_not_retried(cli, waf):
    security_incident(cli)
    waf.status = 500
    failed = cli("incident", "isolate", "1", "block_ip_range", "-p", "cidr=203.0.113.0/24", "--yes", code=1)
    assert "run failed: POST" in failed.output
    assert "not retried" in failed.output
    assert len(waf.requests) == 1


def test_a_bad_param_is_refused_naming_it(cli, waf):
    security_incident(cli)
    bad = cli("incident", "isolate", "1", "block_ip_range", "-p", "cidr=everything", "--yes", code=2)
    assert "params.cidr: 'everything' does not match" in bad.output
    assert waf.requests == []


def test_a_missing_secret_variable_is_a_config_error_naming_it(cli, monkeypatch):
    monkeypatch.delenv("WAF_TOKEN")
    failed = cli("incident", "ls", code=6)
    assert "environment variable WAF_TOKEN is not set" in failed.output
