"""Deep merge of configuration layers: defaults < file < environment."""

from __future__ import annotations

from typing import Any


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` over ``base``; mappings merge key by key, anything else is replaced.

    Keys match case-insensitively and keep the spelling of ``base`` (so ``p1`` from the
    environment lands on the default ``P1``). ``None`` over a mapping keeps the mapping: a
    section left empty in YAML (only comments under it) means "no change", not "erase".
    """
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        spelling = {_fold(key): key for key in base}
        for key, value in override.items():
            target = spelling.get(_fold(key), key)
            merged[target] = deep_merge(merged[target], value) if target in merged else value
        return merged
    if override is None and isinstance(base, dict):
        return base
    return override


def _fold(key: object) -> object:
    return key.casefold() if isinstance(key, str) else key
