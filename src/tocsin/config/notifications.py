"""Where notifications go: the channels (email over SMTP, outbound webhooks, the console) and
the rules saying which events page and which are only for information, per severity::

    notifications:
      console: true                   # print every notification (development)
      email:
        enabled: true
        host: smtp.example.org
        port: 587
        security: starttls            # none, starttls or ssl
        username: tocsin
        password: ...                 # better: TOCSIN_NOTIFICATIONS__EMAIL__PASSWORD
        sender: tocsin@example.org
      webhooks:
        chatops:
          url: https://bot.example.org/tocsin
          secret: ...                 # signs X-Tocsin-Signature (or from the environment)
          events: [opened, escalated, acknowledged, resolved]
      rules:
        P3: {page: [opened], fyi: []}
      twilio: {account_sid: AC…, from_number: "+33757000000"}   # SMS and calls (config/phone.py)
      ntfy: {server_url: https://ntfy.sh}                       # phone push (config/phone.py)

Secrets are ``SecretStr``: they never appear in a repr, a dump or a log line.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from tocsin.config.fields import Identifier, StringList, error
from tocsin.config.phone import NtfySettings, TwilioSettings
from tocsin.config.sections import Section
from tocsin.config.severities import SeverityKey
from tocsin.domain.notification import FYI_TRIGGERS, PAGE_TRIGGERS, Rules, Trigger
from tocsin.domain.severity import Severity


class SmtpSettings(Section):
    enabled: bool = False
    host: str = Field(default="127.0.0.1", min_length=1)
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(default="tocsin@localhost", min_length=3)
    timeout_seconds: float = Field(default=10.0, gt=0)


class WebhookSettings(Section):
    url: str
    secret: SecretStr | None = Field(default=None, description="Signs X-Tocsin-Signature (HMAC-SHA256).")
    events: StringList = Field(default_factory=lambda: [t.value for t in Trigger])
    timeout_seconds: float = Field(default=10.0, gt=0)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise error("url", "not an http(s) URL (write e.g. https://bot.example.org/tocsin)")
        return value

    @field_validator("events")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return [_trigger(v, set(Trigger)).value for v in value]

    def triggers(self) -> frozenset[Trigger]:
        return frozenset(Trigger(v) for v in self.events)


def _trigger(value: str, allowed: set[Trigger]) -> Trigger:
    try:
        trigger = Trigger(value.strip().lower())
    except ValueError:
        trigger = None
    if trigger is None or trigger not in allowed:
        names = ", ".join(sorted(t.value for t in allowed))
        raise error("trigger", f"not one of {names}: {value!r}")
    return trigger


class RuleSettings(Section):
    """``page``: the escalation step's targets are paged; ``fyi``: everyone paged so far is told."""

    page: StringList = Field(default_factory=lambda: sorted(t.value for t in PAGE_TRIGGERS))
    fyi: StringList = Field(default_factory=lambda: sorted(t.value for t in FYI_TRIGGERS))

    @field_validator("page")
    @classmethod
    def _pages(cls, value: list[str]) -> list[str]:
        return [_trigger(v, set(PAGE_TRIGGERS)).value for v in value]

    @field_validator("fyi")
    @classmethod
    def _fyis(cls, value: list[str]) -> list[str]:
        return [_trigger(v, set(FYI_TRIGGERS)).value for v in value]

    def to_domain(self) -> Rules:
        return Rules(
            page=frozenset(Trigger(v) for v in self.page), fyi=frozenset(Trigger(v) for v in self.fyi)
        )


class NotificationSettings(Section):
    console: bool = Field(default=False, description="Print every notification on stderr (development).")
    email: SmtpSettings = Field(default_factory=SmtpSettings)
    webhooks: dict[Identifier, WebhookSettings] = Field(default_factory=dict)
    rules: dict[SeverityKey, RuleSettings] = Field(default_factory=dict)
    twilio: TwilioSettings = Field(default_factory=TwilioSettings, description="SMS and voice calls.")
    ntfy: NtfySettings = Field(default_factory=NtfySettings, description="Phone push notifications.")

    @model_validator(mode="after")
    def _every_severity(self) -> Any:
        missing = {s: RuleSettings() for s in Severity if s not in self.rules}
        if missing:
            object.__setattr__(self, "rules", {s: self.rules.get(s) or missing[s] for s in Severity})
        return self

    def person_channels(self) -> tuple[str, ...]:
        """The channels that reach a person, in the order they are tried."""
        return tuple(name for name, on in (("email", self.email.enabled), ("console", self.console)) if on)
