"""Isolation actions: the security procedure's step 1, "Isolation : Bloquer trafic si nécessaire".

An action is a configured outbound HTTP request (a WAF rule, a feature flag, a firewall API)
with its undo. A responder with the ``security`` role runs it on a security incident, after a
confirmation; the request and the response status go on the incident's timeline
(``isolation_record``). Nothing is retried on its own: running it again is the retry.

Templates (URL and body) take ``{incident_id}``, ``{severity}``, ``{actor}`` and the action's
declared parameters (``{params.cidr}``); nothing is evaluated. Header values carry the secrets
(read from the environment when the configuration loads): they are sent, never shown, logged
or written to the timeline. Pure.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

from tocsin.domain.errors import InvalidInput

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
BUILTINS = ("incident_id", "severity", "actor")
PARAM_PREFIX = "params."
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\}")
PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_PARAM = 500
MAX_BODY_SHOWN = 4000
RUN, UNDO = "run", "undo"
TIMEOUT, CONNECTION = "timeout", "connection"
HIDDEN = "***"


@dataclass(frozen=True, slots=True)
class Param:
    """A value the responder fills in; it must match ``pattern`` entirely."""

    name: str
    pattern: str
    label: str = ""
    example: str = ""

    def check(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise InvalidInput(f"params.{self.name}: required{self._hint()}")
        if len(value) > MAX_PARAM or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise InvalidInput(f"params.{self.name}: at most {MAX_PARAM} printable characters")
        if not re.fullmatch(self.pattern, value):
            raise InvalidInput(f"params.{self.name}: {value!r} does not match {self.pattern}{self._hint()}")
        return value

    def _hint(self) -> str:
        return f" (e.g. {self.example})" if self.example else ""


@dataclass(frozen=True, slots=True)
class Step:
    """One HTTP request, as configured. ``body`` is a text template, or a JSON structure whose
    strings are templates (sent as JSON), or ``None``. ``headers`` hold secrets: no repr."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    body: Any = None
    secrets: tuple[str, ...] = field(default=(), repr=False)
    """The environment values inside ``headers``: scrubbed from anything shown."""

    def templates(self) -> Iterable[str]:
        yield self.url
        yield from _strings(self.body)


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    label: str
    run: Step
    undo: Step
    description: str = ""
    params: tuple[Param, ...] = ()
    timeout: float = 10.0

    def step(self, op: str) -> Step:
        return self.undo if op == UNDO else self.run


@dataclass(frozen=True, slots=True)
class Request:
    """A rendered request, ready to send. ``str()`` and ``repr()`` never show header values."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    body: str | None = None
    secrets: tuple[str, ...] = field(default=(), repr=False)

    @property
    def header_names(self) -> list[str]:
        return [name for name, _ in self.headers]

    @property
    def shown_headers(self) -> dict[str, str]:
        """Every header, those that carry a secret as ``***``."""
        return {
            name: HIDDEN if any(s and s in value for s in self.secrets) else value
            for name, value in self.headers
        }

    def __str__(self) -> str:
        return f"{self.method} {self.url}"

    def scrub(self, text: str) -> str:
        """``text`` without any secret this request carries."""
        for secret in sorted({*self.secrets, *(v for _, v in self.headers)}, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, HIDDEN)
        return text


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came back: a status, or an ``error`` (``timeout`` / ``connection``) and its detail."""

    seconds: float
    status: int | None = None
    error: str = ""
    detail: str = ""
    excerpt: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and 200 <= self.status < 300


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def unknown_placeholders(step: Step, params: Sequence[Param]) -> list[str]:
    """The placeholders of ``step`` that are neither built in nor a declared parameter."""
    known = {*BUILTINS, *(PARAM_PREFIX + p.name for p in params)}
    found = [name for text in step.templates() for name in PLACEHOLDER.findall(text)]
    return sorted({name for name in found if name not in known})


def values_for(
    action: Action, given: Mapping[str, str], *, incident_id: int, severity: str, actor: str
) -> dict[str, str]:
    """The placeholders' values; every declared parameter checked against its pattern."""
    declared = {p.name for p in action.params}
    extra = sorted(set(given) - declared)
    if extra:
        takes = ", ".join(sorted(declared)) or "none"
        raise InvalidInput(f"params.{extra[0]}: unknown parameter of {action.key!r} (it takes: {takes})")
    values = {"incident_id": str(incident_id), "severity": severity, "actor": actor}
    for param in action.params:
        values[PARAM_PREFIX + param.name] = param.check(given.get(param.name, ""))
    return values


def _fill(template: str, values: Mapping[str, str], escape: Any = None) -> str:
    def one(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return str(escape(value)) if escape else value

    return PLACEHOLDER.sub(one, template)


def _fill_structure(value: Any, values: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _fill(value, values)
    if isinstance(value, Mapping):
        return {_fill(str(k), values): _fill_structure(v, values) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_fill_structure(v, values) for v in value]
    return value


def _json_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def render(step: Step, values: Mapping[str, str]) -> Request:
    """The request ``step`` describes, for ``values``: URL values percent-encoded, JSON bodies
    built as JSON (a text body declared as JSON by its Content-Type gets JSON-escaped values)."""
    headers = list(step.headers)
    content_type = next((v.lower() for k, v in headers if k.lower() == "content-type"), "")
    body: str | None
    if step.body is None:
        body = None
    elif isinstance(step.body, str):
        escape = (
            _json_string if "json" in content_type else quote_plus if "urlencoded" in content_type else None
        )
        body = _fill(step.body, values, escape)
    else:
        body = json.dumps(_fill_structure(step.body, values), ensure_ascii=False)
        if not content_type:
            headers.append(("Content-Type", "application/json"))
    url = _fill(step.url, values, lambda v: quote(v, safe=""))
    return Request(step.method, url, tuple(headers), body, step.secrets)


def prompt(action: Action, op: str, request: Request) -> str:
    """What a confirmation shows: the label, the method and URL, the body."""
    body = f" with body {shown(request.body)}" if request.body else ""
    return f"{action.label} ({op}): {request}{body}"


def shown(body: str | None, limit: int = MAX_BODY_SHOWN) -> str:
    text = body or ""
    return text if len(text) <= limit else text[:limit] + "…"
