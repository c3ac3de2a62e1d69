"""``notifications.twilio`` and ``notifications.ntfy``: off by default, secrets from the
environment and never shown, bad values refused with a message naming them."""

from __future__ import annotations

import pytest

from tocsin.config import Settings
from tocsin.config.errors import ConfigError
from tocsin.config.loader import load_settings
from tocsin.config.secrets import secret_values

SID = "AC" + "0123456789abcdef" * 2
TWILIO_ENV = {
    "TOCSIN_NOTIFICATIONS__TWILIO__ACCOUNT_SID": SID,
    "TOCSIN_NOTIFICATIONS__TWILIO__AUTH_TOKEN": "twilio-token-1",
    "TOCSIN_NOTIFICATIONS__TWILIO__FROM_NUMBER": "+33757000001",
}


def test_phones_are_off_by_default():
    notifications = Settings().notifications
    assert not notifications.twilio.enabled
    assert not notifications.ntfy.enabled
    assert notifications.twilio.base_url == "https://api.twilio.com"


def test_secrets_come_from_the_environment_and_are_never_shown():
    settings = load_settings(
        {
            **TWILIO_ENV,
            "TOCSIN_NOTIFICATIONS__NTFY__SERVER_URL": "https://ntfy.example.org/",
            "TOCSIN_NOTIFICATIONS__NTFY__TOKEN": "tk_ntfy-token-1",
        }
    )
    twilio, ntfy = settings.notifications.twilio, settings.notifications.ntfy
    assert twilio.enabled
    assert ntfy.enabled
    assert twilio.auth_token is not None
    assert twilio.auth_token.get_secret_value() == "twilio-token-1"
    assert ntfy.server_url == "https://ntfy.example.org"
    shown = repr(settings) + settings.model_dump_json()
    assert "twilio-token-1" not in shown
    assert "tk_ntfy-token-1" not in shown
    assert {"twilio-token-1", "tk_ntfy-token-1"} <= set(secret_values(settings))  # masked in logs


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {**TWILIO_ENV, "TOCSIN_NOTIFICATIONS__TWILIO__ACCOUNT_SID": "AC123"},
            "AC followed by 32 hex digits",
        ),
        ({**TWILIO_ENV, "TOCSIN_NOTIFICATIONS__TWILIO__FROM_NUMBER": "0612345678"}, "not an E.164 number"),
        ({k: v for k, v in TWILIO_ENV.items() if "AUTH_TOKEN" not in k}, "needs auth_token"),
        ({**TWILIO_ENV, "TOCSIN_NOTIFICATIONS__TWILIO__BASE_URL": "api.twilio.com"}, "not an http(s) URL"),
        ({"TOCSIN_NOTIFICATIONS__NTFY__SERVER_URL": "ntfy.sh"}, "write e.g. https://ntfy.sh"),
        ({"TOCSIN_NOTIFICATIONS__NTFY__TOPIC": "x"}, "ntfy.topic"),
    ],
)
def test_bad_values_are_refused_naming_the_setting(environ, message):
    with pytest.raises(ConfigError) as refused:
        load_settings(environ)
    assert message in str(refused.value)


def test_config_check_warns_when_twilio_could_not_call_tocsin_back():
    from tocsin.config import check

    twilio = {"account_sid": SID, "auth_token": "twilio-token-1", "from_number": "+33757000001"}
    local = Settings.model_validate({"notifications": {"twilio": twilio}})
    public = Settings.model_validate(
        {"notifications": {"twilio": twilio}, "server": {"base_url": "https://tocsin.example.org"}}
    )

    assert (
        "notifications.twilio is set but server.base_url is http://127.0.0.1:8080: Twilio cannot reach "
        "/hooks/twilio/… there (delivery status, SMS replies, the call's keypad)"
    ) in check(local)
    assert not [w for w in check(public) if "twilio" in w]
