"""``secret_values``: every secret a configuration holds, for the log scrubber."""

from __future__ import annotations

from tocsin.config import load_settings
from tocsin.config.secrets import secret_values


def test_every_configured_secret_is_collected():
    environ = {
        "TOCSIN_DATABASE_URL": "postgresql+psycopg://tocsin:db-pass-1@127.0.0.1/tocsin",
        "TOCSIN_SOURCES__AM__KIND": "alertmanager",
        "TOCSIN_SOURCES__AM__TOKEN": "am-token-1",
        "TOCSIN_SOURCES__GF__KIND": "grafana",
        "TOCSIN_SOURCES__GF__USERNAME": "grafana",
        "TOCSIN_SOURCES__GF__PASSWORD": "gf-pass-1",
        "TOCSIN_SLACK__BOT_TOKEN": "xoxb-bot-1",
        "TOCSIN_SLACK__SIGNING_SECRET": "slack-signing-1",
        "TOCSIN_GITHUB__TOKEN": "gh-token-1",
        "TOCSIN_GITHUB__REPOSITORY": "acme/app",
        "TOCSIN_GITHUB__WEBHOOK_SECRET": "gh-hook-1",
        "TOCSIN_NOTIFICATIONS__EMAIL__PASSWORD": "smtp-pass-1",
    }

    found = set(secret_values(load_settings(environ)))

    assert {
        "db-pass-1",
        "am-token-1",
        "gf-pass-1",
        "xoxb-bot-1",
        "slack-signing-1",
        "gh-token-1",
        "gh-hook-1",
        "smtp-pass-1",
    } <= found
    assert "grafana" not in found  # a user name is not a secret


def test_defaults_hold_no_secret():
    assert secret_values(load_settings({})) == ()
