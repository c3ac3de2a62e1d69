"""Label rules that give an alert its severity: ordered, first match wins, else the fallback.

A rule is a list of matchers in Alertmanager's syntax (``severity="critical"``,
``component=~"database|application"``, ``env!="staging"``, ``team!~"infra.*"``); regexes are
anchored at both ends, as in Alertmanager. A missing label matches as the empty string.

The defaults follow the plan and the label vocabulary of the alert rules it was written for
(``severity`` critical/warning, ``component`` system/database/container/backup/application/
storage): an explicit ``severity=P0…P3`` label is taken as is; critical on database,
application or storage → P0 (service down); critical on system or backup → P1; warning → P2;
anything else → P3.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity

_MATCHER = re.compile(
    r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^"\s]\S*|))\s*$'
)


class Op(StrEnum):
    EQUAL = "="
    NOT_EQUAL = "!="
    MATCH = "=~"
    NOT_MATCH = "!~"


@dataclass(frozen=True, slots=True)
class Matcher:
    label: str
    op: Op
    value: str
    pattern: re.Pattern[str] | None = None

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.op is Op.EQUAL:
            return actual == self.value
        if self.op is Op.NOT_EQUAL:
            return actual != self.value
        assert self.pattern is not None
        found = self.pattern.fullmatch(actual) is not None
        return found if self.op is Op.MATCH else not found

    def __str__(self) -> str:
        return f'{self.label}{self.op.value}"{self.value}"'


def parse_matcher(text: str) -> Matcher:
    """``component=~"database|storage"`` -> a ``Matcher``; ``InvalidInput`` if malformed."""
    found = _MATCHER.match(text)
    if found is None:
        raise InvalidInput(
            f'not a label matcher: {text!r} (write e.g. severity="critical" or component=~"db|api")'
        )
    label, op, quoted, bare = found.groups()
    value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare
    pattern = None
    if op in (Op.MATCH, Op.NOT_MATCH):
        try:
            pattern = re.compile(value)
        except re.error as exc:
            raise InvalidInput(f"not a valid regular expression in {text!r}: {exc}") from None
    return Matcher(label, Op(op), value, pattern)


@dataclass(frozen=True, slots=True)
class Rule:
    """All matchers must match (an empty list matches every alert)."""

    matchers: tuple[Matcher, ...]
    severity: Severity

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(m.matches(labels) for m in self.matchers)


MEMO_SIZE = 1024
"""Decisions kept per rule set (by the values of the labels its rules read); emptied when full."""


@dataclass(frozen=True, slots=True)
class SeverityRules:
    """``classify`` reads only the labels the rules name: its decision for one set of their
    values is kept (an alert's other labels, its instance, its pod, cannot change it), so the
    matchers run once per distinct set instead of once per alert."""

    rules: tuple[Rule, ...]
    fallback: Severity = Severity.P3
    _read: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _memo: dict[tuple[str, ...], Severity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        read = tuple(dict.fromkeys(m.label for r in self.rules for m in r.matchers))
        object.__setattr__(self, "_read", read)
        object.__setattr__(self, "_memo", {})

    def classify(self, labels: Mapping[str, str]) -> Severity:
        key = tuple([labels.get(name, "") for name in self._read])
        known = self._memo.get(key)
        if known is not None:
            return known
        decided = self.decide(labels)
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = decided
        return decided

    def decide(self, labels: Mapping[str, str]) -> Severity:
        """The first matching rule's severity, else the fallback (``classify`` without its memo)."""
        for rule in self.rules:
            if rule.matches(labels):
                return rule.severity
        return self.fallback


def rule(severity: Severity, matchers: Sequence[str]) -> Rule:
    return Rule(tuple(parse_matcher(m) for m in matchers), severity)


DEFAULT_RULE_TEXT: tuple[tuple[Severity, tuple[str, ...]], ...] = (
    *((s, (f'severity=~"(?i){s.value}"',)) for s in Severity),
    (Severity.P0, ('severity="critical"', 'component=~"database|application|storage"')),
    (Severity.P1, ('severity="critical"', 'component=~"system|backup"')),
    (Severity.P2, ('severity="warning"',)),
)


def default_rules() -> SeverityRules:
    return SeverityRules(tuple(rule(sev, matchers) for sev, matchers in DEFAULT_RULE_TEXT))
