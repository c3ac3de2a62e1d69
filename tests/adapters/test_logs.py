"""Structured logs: one JSON object per line, the level honoured before any work, secrets
redacted."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from tocsin.platform.logs import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def _lines(err: str) -> list[dict]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def test_json_lines_at_the_configured_level_with_secrets_redacted(capsys, restore_logging):
    configure_logging("WARNING", "json")
    log = structlog.get_logger("tocsin.test")

    log.info("http_request", route="/hooks/alertmanager/{source}")
    log.warning("slack_delivery_failed", incident_id=7, bot_token="xoxb-123", attempt=2)

    lines = _lines(capsys.readouterr().err)
    assert [line["event"] for line in lines] == ["slack_delivery_failed"]
    assert lines[0]["level"] == "warning"
    assert lines[0]["incident_id"] == 7
    assert lines[0]["bot_token"] == "[redacted]"
    assert lines[0]["timestamp"].endswith("Z")


def test_info_lines_appear_at_info(capsys, restore_logging):
    configure_logging("INFO", "json")
    structlog.get_logger("tocsin.test").info("http_request", status=200)

    assert [line["event"] for line in _lines(capsys.readouterr().err)] == ["http_request"]
