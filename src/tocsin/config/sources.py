"""Intake sources (``sources:`` in ``tocsin.yaml``) and intake limits (``intake:``).

``sources`` maps a name (the last segment of the webhook URL) to its kind, credentials,
grouping and severity rules, so ``TOCSIN_SOURCES__<NAME>__<FIELD>`` overrides one field::

    sources:
      prometheus:
        kind: alertmanager          # POST /hooks/alertmanager/prometheus
        token: change-me            # Authorization: Bearer change-me   (or username + password)
        rules:                      # first match wins; default: the plan's rules
          - severity: P0
            match: ['severity="critical"', 'component=~"database|application|storage"']

Secrets are ``SecretStr``: they never appear in a repr, a log line or an error message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Self

from pydantic import BeforeValidator, Field, SecretStr, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tocsin.config.fields import Duration, StringList, error
from tocsin.config.sections import Section
from tocsin.config.severities import SeverityKey
from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity
from tocsin.domain.severity_rules import Rule, SeverityRules, default_rules, parse_matcher, rule
from tocsin.domain.source import DEFAULT_REOPEN_WINDOW, SourceKind, SourcePolicy

MEGABYTE = 1024 * 1024
SOURCE_KINDS = tuple(kind.value for kind in SourceKind if kind is not SourceKind.REPORT)
"""The kinds a configured source may have: every ``SourceKind`` but ``report`` (people reporting,
never configured), that is the webhook kinds of the one table (``adapters.hooks.HOOK_KINDS``,
which this layer may not import) and ``deploy``; tests/config/test_source_kinds.py keeps them
the same."""


def _source_kind(value: Any) -> Any:
    if isinstance(value, str) and value in SOURCE_KINDS:
        return SourceKind(value)
    *others, last = (repr(kind) for kind in SOURCE_KINDS)
    expected = f"{', '.join(others)} or {last}"
    raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})


Kind = Annotated[
    SourceKind,
    BeforeValidator(_source_kind),
    WithJsonSchema({"enum": list(SOURCE_KINDS), "type": "string"}),
]


class RuleSettings(Section):
    severity: SeverityKey
    match: StringList = Field(default_factory=list, description='Matchers: severity="critical", …')

    @field_validator("match")
    @classmethod
    def _matchers(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                rule(Severity.P3, [text])
            except InvalidInput as exc:
                raise error("matcher", exc.detail) from None
        return value

    def to_domain(self) -> Rule:
        return rule(self.severity, self.match)


class SourceSettings(Section):
    kind: Kind
    token: SecretStr | None = Field(default=None, description="Expected as Authorization: Bearer <token>.")
    username: str | None = Field(default=None, description="Basic auth, with password.")
    password: SecretStr | None = None
    hmac_secret: SecretStr | None = Field(
        default=None, description="Grafana: X-Grafana-Alerting-Signature = hex HMAC-SHA256 of the body."
    )
    hmac_timestamp_header: str | None = Field(
        default=None, description="Grafana: header carrying the signed timestamp, if configured there."
    )
    group_by: StringList = Field(default_factory=lambda: ["alertname"])
    rules: list[RuleSettings] | None = Field(default=None, description="Default: the plan's rules.")
    fallback: SeverityKey = Severity.P3
    reopen_window: Duration = DEFAULT_REOPEN_WINDOW
    auto_resolve: bool = Field(default=False, description="Resolve P2/P3 incidents when all alerts clear.")
    security_match: StringList = Field(
        default_factory=lambda: ['security="true"'],
        description="Matchers (all must match) that make an alert a security one: the incident it "
        "opens is restricted from the start. An empty list: this source never flags one.",
    )

    @field_validator("security_match")
    @classmethod
    def _security_matchers(cls, value: list[str]) -> list[str]:
        for text in value:
            try:
                parse_matcher(text)
            except InvalidInput as exc:
                raise error("matcher", exc.detail) from None
        return value

    @model_validator(mode="after")
    def _credentials(self) -> Self:
        if (self.username is None) != (self.password is None):
            raise error("credentials", "basic auth needs both username and password")
        if self.token is None and self.username is None and self.hmac_secret is None:
            raise error("credentials", "no credentials: set token, or username and password")
        if self.hmac_secret is not None and self.kind is not SourceKind.GRAFANA:
            raise error("credentials", "hmac_secret is for grafana sources only")
        if self.reopen_window < timedelta(0):
            raise error("duration", "reopen_window must not be negative")
        return self

    def policy(self, name: str) -> SourcePolicy:
        base = default_rules().rules if self.rules is None else tuple(r.to_domain() for r in self.rules)
        rules = SeverityRules(base, self.fallback)
        return SourcePolicy(
            name=name,
            kind=self.kind,
            rules=rules,
            group_by=tuple(self.group_by) or ("alertname",),
            reopen_window=self.reopen_window,
            auto_resolve=self.auto_resolve,
            security=tuple(parse_matcher(m) for m in self.security_match) or None,
        )


class IntakeSettings(Section):
    max_body_bytes: int = Field(default=5 * MEGABYTE, ge=1024, description="Larger webhooks get 413.")
    max_in_flight: int = Field(
        default=64, ge=1, description="Webhooks processed or waiting at once; beyond, 503 at once."
    )
    reports_reopen_window: Duration = DEFAULT_REOPEN_WINDOW
