"""A realistic run, logged at DEBUG in both formats, greps clean of every configured secret:
webhooks with bearer and basic credentials (right and wrong), one that blows up with the token
in its frame's locals, Slack (bot token, signed command), GitHub (token, signed webhook), SMTP
with a password that the server refuses, and the worker delivering all of it."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import urlencode

import pytest
import structlog

from tests.github_fake import TOKEN as GITHUB_TOKEN
from tests.intake_fixtures import am
from tests.paging_plan import drain
from tests.slack_fake import AM_TOKEN, SIGNING_SECRET, sign, slack_plan
from tocsin.config import Settings
from tocsin.config.secrets import secret_values
from tocsin.platform.logs import configure_logging
from tocsin.services.intake import auth as intake_auth
from tocsin.web.github_hook import signature

BASIC_PASSWORD = "basic-pass-7f3a91"
HOOK_SECRET = "github-hook-secret-55e1"
SMTP_PASSWORD = "smtp-pass-0c9d2e"


@pytest.fixture
def settings(db_url, slack_fake, github_server, sink):
    fake = github_server.reset()
    config = slack_plan(db_url, slack_fake, incident_channels=["P1"])
    config["sources"]["mon"] = {"kind": "generic", "username": "monitor", "password": BASIC_PASSWORD}
    config["notifications"] = {
        "email": {"enabled": True, "port": sink.port, "username": "tocsin", "password": SMTP_PASSWORD},
    }
    config["github"] = {
        "repository": "acme/shop",
        "token": GITHUB_TOKEN,
        "api_url": fake.base_url,
        "webhook_secret": HOOK_SECRET,
    }
    return Settings.model_validate(config)


@pytest.fixture
def logged(settings):
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def configure(fmt: str) -> None:
        configure_logging("DEBUG", fmt, secret_values(settings))

    yield configure
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_no_configured_secret_reaches_the_logs(
    client, container, clock, settings, logged, capsys, monkeypatch, fmt
):
    logged(fmt)
    secrets = secret_values(settings)
    assert {AM_TOKEN, BASIC_PASSWORD, SIGNING_SECRET, GITHUB_TOKEN, HOOK_SECRET, SMTP_PASSWORD} <= set(
        secrets
    )
    bearer = {"Authorization": f"Bearer {AM_TOKEN}"}
    basic = {"Authorization": "Basic " + base64.b64encode(f"monitor:{BASIC_PASSWORD}".encode()).decode()}

    assert (
        client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=bearer).status_code
        == 200
    )
    generic = {"title": "Disk full", "severity": "P1", "labels": {"service": "db"}}
    assert client.post("/hooks/generic/mon", json=generic, headers=basic).status_code == 200
    wrong = {"Authorization": f"Bearer {AM_TOKEN}-x"}
    assert (
        client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=wrong).status_code
        == 401
    )

    def blows_up(given: str, expected: str) -> bool:
        raise RuntimeError("comparison failed")  # given and expected (the token) are locals here

    monkeypatch.setattr(intake_auth, "_same", blows_up)
    assert (
        client.post("/hooks/alertmanager/prom", json=am("firing_PostgreSQLDown"), headers=bearer).status_code
        == 500
    )
    monkeypatch.undo()

    body = urlencode({"command": "/incident", "text": "help", "user_id": "U0CAMILLE"}).encode()
    assert (
        client.post(
            "/hooks/slack/commands", content=body, headers=sign(body, int(clock.now().timestamp()))
        ).status_code
        == 200
    )
    event = json.dumps(
        {"action": "opened", "issue": {"number": 99}, "repository": {"full_name": "acme/shop"}}
    ).encode()
    headers = {
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": "d-1",
        "X-Hub-Signature-256": signature(HOOK_SECRET, event),
    }
    assert client.post(
        "/hooks/github", content=event, headers={**headers, "Content-Type": "application/json"}
    ).status_code in (200, 202)
    drain(container)  # Slack cards and DMs, GitHub issues, e-mail pages (the SMTP server refuses AUTH)

    err = capsys.readouterr().err
    assert "unhandled_error" in err
    assert "RuntimeError: comparison failed" in err
    assert "http_request" in err
    assert "job.failed" in err  # the refused SMTP login was logged
    leaked = [secret for secret in secrets if secret in err]
    assert leaked == []
    assert base64.b64encode(f"monitor:{BASIC_PASSWORD}".encode()).decode() not in err
