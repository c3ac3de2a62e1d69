"""``security.isolation``: the outbound requests that isolate (and un-isolate) during a security
incident::

    security:
      isolation:
        actions:
          block_ip_range:
            label: Block IP range
            description: A WAF rule that drops traffic from one range.
            params:
              cidr: {pattern: '\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}', label: CIDR, example: 203.0.113.0/24}
            method: POST
            url: https://waf.example/rules
            headers: {Authorization: "Bearer ${WAF_TOKEN}"}
            body: {cidr: "{params.cidr}", note: "tocsin incident {incident_id} ({severity})"}
            timeout: 10s
            undo:
              method: DELETE
              url: https://waf.example/rules/{params.cidr}

Header values take secrets from the environment only, as ``${NAME}``; a variable that is not
set is a configuration error at start, naming it. The undo step sends the run's headers unless
it has its own. URL and body take ``{incident_id}``, ``{severity}``, ``{actor}`` and the declared
``{params.NAME}``; anything else in braces that looks like a placeholder is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Self
from urllib.parse import urlsplit

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from tocsin.config.fields import Duration, error
from tocsin.config.sections import Section
from tocsin.domain import isolation as domain

ENVIRON = "environ"
"""Validation context key: the environment ``${NAME}`` is read from (``load_settings`` sets it)."""
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
MAX_TIMEOUT = timedelta(seconds=60)


def _environ(info: ValidationInfo) -> Mapping[str, str]:
    found = (info.context or {}).get(ENVIRON)
    return found if isinstance(found, Mapping) else {}


def _variables(value: str) -> list[str]:
    names = _VARIABLE.findall(value)
    for name in names:
        if not _NAME.match(name):
            raise error(
                "variable", f"${{{name}}}: not an environment variable name (write e.g. ${{WAF_TOKEN}})"
            )
    return names


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise error("url", f"not an http(s) URL: {value[:80]!r} (write e.g. https://waf.example/rules)")
    if "@" in parts.netloc:
        raise error("url", "no credentials in the URL: send them in a header, as ${NAME}")
    if "$" in value:
        raise error("url", "${NAME} is for header values only (secrets go in headers)")
    return value


class StepSettings(Section):
    method: str = Field(description="GET, POST, PUT, PATCH or DELETE.")
    url: str = Field(description="http(s); may take {incident_id}, {severity}, {actor}, {params.NAME}.")
    headers: dict[str, str] | None = Field(
        default=None,
        description="Values may take ${NAME} from the environment (secrets); the undo step "
        "sends the run's headers when it has none.",
    )
    body: str | dict[str, Any] | list[Any] | None = Field(
        default=None, description="Text, or a mapping/list sent as JSON; strings take the placeholders."
    )
    _resolved: tuple[tuple[str, str], ...] = PrivateAttr(default=())
    _secrets: tuple[str, ...] = PrivateAttr(default=())

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in domain.METHODS:
            return value.strip().upper()
        raise error("method", f"not one of {', '.join(domain.METHODS)}: {value!r}")

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        return _url(value.strip())

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str] | None, info: ValidationInfo) -> dict[str, str] | None:
        environ = _environ(info)
        for name, template in (value or {}).items():
            if not _HEADER.match(name):
                raise error("header", f"not a header name: {name!r}")
            for variable in _variables(template):
                if not environ.get(variable):
                    state = "is empty" if variable in environ else "is not set"
                    raise error("variable", f"{name}: environment variable {variable} {state}")
            if any(c in template for c in "\r\n"):
                raise error("header", f"{name}: a header value is one line")
        return value

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> Self:
        environ = _environ(info)
        secrets: list[str] = []
        resolved = []
        for name, template in (self.headers or {}).items():
            names = _variables(template)
            secrets += [environ[n] for n in names if n in environ]
            resolved.append((name, _VARIABLE.sub(lambda m: environ.get(m.group(1), ""), template)))
        self._resolved, self._secrets = tuple(resolved), tuple(secrets)
        return self

    def step(self, inherited: StepSettings | None = None) -> domain.Step:
        source = self if self.headers is not None or inherited is None else inherited
        return domain.Step(self.method, self.url, source._resolved, self.body, source._secrets)


class ParamSettings(Section):
    pattern: str = Field(min_length=1, description="A regular expression the whole value must match.")
    label: str = ""
    example: str = ""

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise error("pattern", f"not a regular expression: {exc}") from None
        return value


class ActionSettings(StepSettings):
    label: str = Field(min_length=1, max_length=100)
    description: str = ""
    params: dict[str, ParamSettings] = Field(default_factory=dict)
    timeout: Duration = Field(default=timedelta(seconds=10), description="At most 60s; never retried.")
    undo: StepSettings

    @field_validator("params")
    @classmethod
    def _names(cls, value: dict[str, ParamSettings]) -> dict[str, ParamSettings]:
        for name in value:
            if not domain.PARAM_NAME.match(name):
                raise error("identifier", f"not a parameter name: {name!r} (write e.g. cidr or rule_id)")
        return value

    @field_validator("timeout")
    @classmethod
    def _bounded(cls, value: timedelta) -> timedelta:
        if not timedelta(0) < value <= MAX_TIMEOUT:
            raise error("duration", "between 1s and 60s: the person who runs it waits for the answer")
        return value

    @model_validator(mode="after")
    def _placeholders(self) -> Self:
        action = self.action("check")
        for where, step in (("", action.run), ("undo: ", action.undo)):
            unknown = domain.unknown_placeholders(step, action.params)
            if unknown:
                known = ", ".join([*domain.BUILTINS, *(f"params.{p.name}" for p in action.params)])
                raise error("placeholder", f"{where}unknown placeholder {{{unknown[0]}}} (known: {known})")
        return self

    def action(self, key: str) -> domain.Action:
        return domain.Action(
            key=key,
            label=self.label,
            description=self.description,
            run=self.step(),
            undo=self.undo.step(inherited=self),
            params=tuple(
                domain.Param(name, p.pattern, p.label or name, p.example) for name, p in self.params.items()
            ),
            timeout=self.timeout.total_seconds(),
        )


class IsolationSettings(Section):
    actions: dict[str, ActionSettings] = Field(
        default_factory=dict, description="Isolation actions by key (letters, digits, '_', '-')."
    )

    @field_validator("actions")
    @classmethod
    def _keys(cls, value: dict[str, ActionSettings]) -> dict[str, ActionSettings]:
        for key in value:
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", key):
                raise error("identifier", f"not an action key: {key!r} (write e.g. block_ip_range)")
        return value

    def to_domain(self) -> tuple[domain.Action, ...]:
        return tuple(action.action(key) for key, action in self.actions.items())
