"""The webhook parsers: fixtures parse; no input crashes them, bad input is a PayloadError."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.intake_fixtures import all_alertmanager, am
from tocsin.adapters.alertmanager import parse_alertmanager, parse_envelope
from tocsin.adapters.generic import group_key, parse_generic
from tocsin.domain.alert import AlertStatus
from tocsin.platform.payload import PayloadError, load_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
ALERT_KEYS = ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"]
ENVELOPE_KEYS = ["version", "groupKey", "alerts", "truncatedAlerts", "externalURL", "receiver"]


def error_path(parse, value) -> str | None:
    """The JSON path of the PayloadError ``parse(value)`` raises, None if it parses."""
    try:
        parse(value)
    except PayloadError as exc:
        return exc.path
    return None


def mutated(base: dict, keys: list[str]):
    """Bodies close to valid ones: some keys replaced by arbitrary JSON or removed."""
    return st.dictionaries(st.sampled_from(keys), json_values | st.just(None), max_size=3).map(
        lambda changes: {**base, **changes}
    )


@pytest.mark.parametrize("path", all_alertmanager(), ids=lambda p: p.name)
def test_every_fixture_parses(path):
    body = load_json(path.read_bytes())
    n = parse_alertmanager(body, source="prom")
    assert n.group_key == body["groupKey"]
    assert n.truncated == body["truncatedAlerts"]
    assert [a.fingerprint for a in n.alerts] == [a["fingerprint"] for a in body["alerts"]]
    for alert, raw in zip(n.alerts, body["alerts"], strict=True):
        assert alert.status is AlertStatus(raw["status"])
        assert (alert.ends_at is None) is (raw["status"] == "firing")
        assert alert.starts_at.tzinfo is UTC


@given(json_values)
def test_arbitrary_json_never_crashes_the_parsers(value):
    for parse in (
        lambda v: parse_alertmanager(v, source="s"),
        lambda v: parse_envelope(v, source="s", versions=("1",)),
        lambda v: parse_generic(v, source="s", group_by=("alertname",), at=datetime(2026, 1, 1, tzinfo=UTC)),
    ):
        path = error_path(parse, value)
        assert path is None or path.startswith("$")


@settings(max_examples=300)
@given(mutated(am("firing_ContainerHighMemory"), ENVELOPE_KEYS))
def test_mutated_envelopes_parse_or_name_the_path(body):
    path = error_path(lambda v: parse_alertmanager(v, source="s"), body)
    assert path is None or path == "$" or path.split(".")[1].split("[")[0] in ENVELOPE_KEYS


@settings(max_examples=300)
@given(mutated(am("firing_PostgreSQLDown")["alerts"][0], ALERT_KEYS))
def test_mutated_alerts_parse_or_name_the_path(alert):
    body = {**am("firing_PostgreSQLDown"), "alerts": [alert]}
    path = error_path(lambda v: parse_alertmanager(v, source="s"), body)
    assert path is None or path.startswith("$.alerts[0].")


@given(st.binary(max_size=64))
def test_arbitrary_bytes_are_json_or_a_value_error(body):
    with contextlib.suppress(ValueError):
        load_json(body)


def test_missing_fingerprints_are_recomputed():
    body = am("firing_PostgreSQLDown")
    del body["alerts"][0]["fingerprint"]
    assert parse_alertmanager(body, source="s").alerts[0].fingerprint == "6895d57860639e04"


def test_generic_group_key_uses_alertmanager_notation():
    assert group_key({"alertname": "X", "svc": "a"}, ["svc", "alertname"]) == '{alertname="X", svc="a"}'
