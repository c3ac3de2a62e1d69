"""Phones: SMS and voice calls through Twilio's REST API, push through ntfy::

    notifications:
      twilio:
        account_sid: ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   # Twilio is off without it
        auth_token: ...               # better: TOCSIN_NOTIFICATIONS__TWILIO__AUTH_TOKEN
        from_number: "+33757000000"   # the Twilio number pages come from (E.164)
        base_url: https://api.twilio.com   # a compatible provider, or a test fake
        timeout_seconds: 10
      ntfy:
        server_url: https://ntfy.sh   # or a self-hosted ntfy; push is off without it
        token: ...                    # better: TOCSIN_NOTIFICATIONS__NTFY__TOKEN (tk_…)
        timeout_seconds: 10

Twilio calls tocsin back (delivery status, SMS replies, the call's keypad) at
``server.base_url``/hooks/twilio/…: that address must be reachable from Twilio, and the number's
"A message comes in" webhook must be set to ``server.base_url``/hooks/twilio/sms.
Secrets are ``SecretStr``: they never appear in a repr, a dump or a log line.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from tocsin.config.fields import error
from tocsin.config.sections import Section

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
ACCOUNT_SID = re.compile(r"^AC[0-9a-fA-F]{32}$")


def _http(value: str, example: str) -> str:
    value = value.strip()
    if value and not value.startswith(("http://", "https://")):
        raise error("url", f"not an http(s) URL: {value[:80]!r} (write e.g. {example})")
    return value.rstrip("/")


class TwilioSettings(Section):
    account_sid: str = Field(default="", description="The account SID (AC…); empty: SMS and calls are off.")
    auth_token: SecretStr | None = Field(
        default=None, description="Authenticates to Twilio and verifies X-Twilio-Signature on its webhooks."
    )
    from_number: str = Field(default="", description="The Twilio number pages come from (E.164).")
    base_url: str = Field(
        default="https://api.twilio.com", description="Twilio's REST API (a compatible provider or a fake)."
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @field_validator("account_sid")
    @classmethod
    def _sid(cls, value: str) -> str:
        value = value.strip()
        if value and not ACCOUNT_SID.match(value):
            raise error("account_sid", "not a Twilio account SID: write AC followed by 32 hex digits")
        return value

    @field_validator("from_number")
    @classmethod
    def _e164(cls, value: str) -> str:
        value = value.strip()
        if value and not E164.match(value):
            raise error("phone", f"not an E.164 number: {value!r} (write e.g. +33757000000)")
        return value

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http(value, "https://api.twilio.com") or "https://api.twilio.com"

    @model_validator(mode="after")
    def _complete(self) -> Any:
        if self.account_sid and (self.auth_token is None or not self.from_number):
            missing = [
                n for n, v in (("auth_token", self.auth_token), ("from_number", self.from_number)) if not v
            ]
            raise error(
                "twilio",
                f"notifications.twilio needs {' and '.join(missing)} with account_sid "
                "(the token can come from TOCSIN_NOTIFICATIONS__TWILIO__AUTH_TOKEN)",
            )
        return self

    @property
    def enabled(self) -> bool:
        return bool(self.account_sid)


class NtfySettings(Section):
    server_url: str = Field(
        default="", description="The ntfy server (https://ntfy.sh or your own); empty: push is off."
    )
    token: SecretStr | None = Field(default=None, description="Access token (Authorization: Bearer tk_…).")
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @field_validator("server_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http(value, "https://ntfy.sh")

    @property
    def enabled(self) -> bool:
        return bool(self.server_url)
