from __future__ import annotations

from tocsin.config.merge import deep_merge


def test_mappings_merge_and_other_values_are_replaced():
    base = {"P1": {"name": "High", "examples": ["a", "b"]}, "x": 1}
    assert deep_merge(base, {"p1": {"examples": ["c"]}, "x": 2}) == {
        "P1": {"name": "High", "examples": ["c"]},
        "x": 2,
    }


def test_none_over_a_mapping_keeps_it_but_replaces_a_value():
    assert deep_merge({"people": {"a": 1}}, {"people": None}) == {"people": {"a": 1}}
    assert deep_merge({"after": "1h"}, {"after": None}) == {"after": None}


def test_inputs_are_not_modified():
    base = {"a": {"b": 1}}
    deep_merge(base, {"a": {"b": 2}})
    assert base == {"a": {"b": 1}}
