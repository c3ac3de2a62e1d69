"""Property: whatever JSON arrives, the webhook parsers either build a notification whose every
text can be stored, or refuse with a ``PayloadError`` (422) or a ``ValueError`` (400): never
any other exception, which would be a 500 that Alertmanager retries forever."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tocsin.adapters.alertmanager import parse_alertmanager, parse_envelope
from tocsin.adapters.generic import parse_generic
from tocsin.domain.alert import Notification
from tocsin.domain.text import unstorable
from tocsin.platform.json_input import first_unstorable
from tocsin.platform.payload import PayloadError, load_json

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
# Any text, lone surrogates and NUL included (hypothesis leaves surrogates out unless asked).
TEXT = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=30)
INTS = st.integers() | st.sampled_from([2**31, 2**63, -(2**31) - 1, 10**4000])
SCALARS = st.none() | st.booleans() | INTS | st.floats(allow_nan=False) | TEXT
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)
PARSERS = [
    lambda value: parse_alertmanager(value, source="prom"),
    lambda value: parse_envelope(value, source="graf", versions=("1", "4")),
    lambda value: parse_generic(value, source="mon", group_by=("alertname",), at=AT),
]


def _texts(notification: Notification) -> list[str]:
    texts = [notification.group_key, notification.external_url, notification.receiver]
    for alert in notification.alerts:
        texts += [alert.fingerprint, alert.generator_url]
        for mapping in (alert.labels, alert.annotations):
            texts += [*mapping.keys(), *mapping.values()]
    return texts


def _parse_every_way(body: bytes) -> None:
    try:
        value = load_json(body)
    except (ValueError, PayloadError):
        return
    assert first_unstorable(value) is None
    for parse in PARSERS:
        try:
            notification = parse(value)
        except PayloadError:
            continue
        assert [t for t in _texts(notification) if unstorable(t)] == []


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_any_json_value_parses_or_is_refused_cleanly(value: Any) -> None:
    _parse_every_way(json.dumps(value).encode())  # ensure_ascii: "\ud800" stays an escape


ALERT = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["firing", "resolved"]) | TEXT,
        "labels": st.dictionaries(TEXT, TEXT | INTS, max_size=4),
        "annotations": st.dictionaries(TEXT, TEXT, max_size=3),
        "startsAt": st.sampled_from(["2026-11-27T10:00:00.123456789Z", "0001-01-01T00:00:00Z"]) | TEXT,
        "endsAt": st.sampled_from(["2026-11-27T10:05:00Z", ""]) | TEXT,
        "generatorURL": TEXT,
        "fingerprint": st.sampled_from(["", "ab12"]) | TEXT,
    }
)
ENVELOPE = st.fixed_dictionaries(
    {
        "version": st.sampled_from(["4", "1"]) | TEXT,
        "groupKey": TEXT,
        "truncatedAlerts": INTS,
        "receiver": TEXT,
        "alerts": st.lists(ALERT, max_size=3),
        "title": TEXT,
        "labels": st.dictionaries(TEXT, TEXT, max_size=3),
    }
)


@settings(max_examples=300, deadline=None)
@given(ENVELOPE)
def test_an_almost_valid_notification_with_any_text_and_numbers_parses_or_is_refused_cleanly(value) -> None:
    _parse_every_way(json.dumps(value).encode())


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200) | st.builds(lambda d: b'{"a": ' + b"9" * d + b"}", st.integers(4000, 6000)))
def test_any_bytes_parse_or_are_refused_cleanly(body: bytes) -> None:
    _parse_every_way(body)


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_raw_text_in_any_json_encoding_parses_or_is_refused_cleanly(value: Any, encoding: str) -> None:
    # not escaped: a lone surrogate arrives as its own bytes (json.loads lets them through)
    _parse_every_way(json.dumps(value, ensure_ascii=False).encode(encoding, "surrogatepass"))


def test_raw_surrogate_bytes_and_a_huge_integer_without_escapes_are_still_caught():
    assert load_json('{"summary": "disk \ud800 full"}'.encode("utf-8", "surrogatepass")) == {
        "summary": "disk \ufffd full"
    }
    body = b'{"labels": {"a": "b"}, "truncatedAlerts": ' + b"7" * 4301 + b"}"
    with pytest.raises(PayloadError) as refused:
        load_json(body)
    assert refused.value.path == "$.truncatedAlerts"
