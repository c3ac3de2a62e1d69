"""The ``slack:`` section: off by default, secrets from the environment, typos refused."""

from __future__ import annotations

import pytest

from tocsin.config import Settings
from tocsin.config.errors import ConfigError
from tocsin.config.loader import load_settings
from tocsin.domain.severity import Severity


def test_slack_is_off_until_a_bot_token_is_given():
    slack = Settings().slack
    assert not slack.enabled
    assert slack.channel == "#incidents"
    assert slack.announce == list(Severity)


def test_secrets_come_from_the_environment_and_are_never_shown():
    settings = load_settings(
        {"TOCSIN_SLACK__BOT_TOKEN": "xoxb-123-secret", "TOCSIN_SLACK__SIGNING_SECRET": "shh-signing"}
    )
    assert settings.slack.enabled
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == "xoxb-123-secret"
    assert "xoxb-123-secret" not in repr(settings)
    assert "shh-signing" not in repr(settings)


def test_an_unknown_severity_or_key_fails_loudly():
    with pytest.raises(ConfigError):
        load_settings({"TOCSIN_SLACK__CHANEL": "#ops"})
    with pytest.raises(ValueError, match="P7"):
        Settings.model_validate({"slack": {"announce": ["P7"]}})
