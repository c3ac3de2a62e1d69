"""No secret in a log line: tracebacks without local variables in either format, credential
keys redacted (nested headers too), configured secret values and credential-shaped text masked."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from tocsin.platform.logs import Scrubber, configure_logging

TOKEN = "demo-alertmanager-token"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def _fails_with_a_secret_in_a_local() -> None:
    authorization = f"Bearer {TOKEN}"  # a local variable, as in a request handler's frame
    assert authorization
    raise RuntimeError("upstream refused the request")


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_tracebacks_show_no_local_variables(capsys, restore_logging, fmt):
    configure_logging("INFO", fmt)
    try:
        _fails_with_a_secret_in_a_local()
    except RuntimeError:
        structlog.get_logger("tocsin.test").exception("delivery_failed")
    try:
        _fails_with_a_secret_in_a_local()
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")

    err = capsys.readouterr().err
    assert TOKEN not in err
    # the traceback is still there, plain: where it failed and why
    assert err.count("in _fails_with_a_secret_in_a_local") == 2
    assert err.count("RuntimeError: upstream refused the request") == 2


def test_json_lines_carry_the_traceback_as_text(capsys, restore_logging):
    configure_logging("INFO", "json")
    try:
        _fails_with_a_secret_in_a_local()
    except RuntimeError:
        structlog.get_logger("tocsin.test").exception("delivery_failed")

    (line,) = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    assert "RuntimeError: upstream refused the request" in line["exception"]


def test_credential_keys_are_redacted_also_inside_headers(capsys, restore_logging):
    configure_logging("INFO", "json")
    structlog.get_logger("tocsin.test").info(
        "outbound",
        headers={
            "Authorization": "Bearer abcdefgh",
            "Cookie": "tocsin_session=abc",
            "X-Slack-Signature": "v0=1",
            "X-Hub-Signature-256": "sha256=2",
            "X-Twilio-Signature": "3",
            "Accept": "application/json",
        },
        raw=[("X-Api-Key", "k-1"), ("Accept", "text/html")],
    )

    (line,) = [json.loads(x) for x in capsys.readouterr().err.splitlines()]
    assert line["headers"] == {
        "Authorization": "[redacted]",
        "Cookie": "[redacted]",
        "X-Slack-Signature": "[redacted]",
        "X-Hub-Signature-256": "[redacted]",
        "X-Twilio-Signature": "[redacted]",
        "Accept": "application/json",
    }
    assert line["raw"] == [["X-Api-Key", "[redacted]"], ["Accept", "text/html"]]


@pytest.mark.parametrize("fmt", ["console", "json"])
def test_configured_secret_values_are_masked_anywhere_in_a_line(capsys, restore_logging, fmt):
    configure_logging("INFO", fmt, secrets=['smtp-p"ssw\u00f6rd', "hook-secret-1"])
    log = structlog.get_logger("tocsin.test")
    log.warning("smtp_failed", error='535 authentication failed for smtp-p"ssw\u00f6rd')
    logging.getLogger("httpx").warning("POST http://127.0.0.1/x?sig=hook-secret-1 failed")

    err = capsys.readouterr().err
    assert "hook-secret-1" not in err
    assert "ssw" not in err
    assert err.count("[redacted]") == 2


def test_credential_shaped_text_is_masked():
    scrub = Scrubber()

    assert scrub("Authorization: Bearer abc.def-123") == "Authorization: Bearer [redacted]"
    assert scrub("Authorization: Basic dXNlcjpwYXNz") == "Authorization: Basic [redacted]"
    assert scrub("token xoxb-1234-5678-abcdef") == "token [redacted]"
    assert scrub("ghs_0123456789abcdefABCDEF used") == "[redacted] used"
    assert scrub("postgresql://tocsin:hunter2@db/tocsin") == "postgresql://tocsin:[redacted]@db/tocsin"
    assert scrub("X-Hub-Signature-256: sha256=" + "a" * 64) == "X-Hub-Signature-256: sha256=[redacted]"
    assert scrub("GET /feed.ics?token=s3cr3t&x=1") == "GET /feed.ics?token=[redacted]&x=1"
    assert scrub("incident 7 acknowledged by alice") == "incident 7 acknowledged by alice"
