"""Durations as people write them in the plan: ``15m``, ``1h``, ``4h``, ``24h``, ``1h30m``."""

from __future__ import annotations

import math
import re
from datetime import timedelta

from tocsin.domain.errors import InvalidInput

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_DISPLAY_UNITS = {"h": 3600, "m": 60, "s": 1}  # the plan writes 24h and 48h, not 1d and 2d
_MAX_SECONDS = 366 * 86400
_PART = re.compile(r"(\d+)\s*([dhms])")
_WHOLE = re.compile(r"^(?:\s*\d+\s*[dhms])+\s*$")


def parse_duration(text: str | int | float) -> timedelta:
    """``"1h30m"`` -> 90 minutes; a bare number is seconds. Raise ``InvalidInput`` otherwise."""
    if isinstance(text, bool):
        raise InvalidInput(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        if not math.isfinite(text) or text < 0 or text > _MAX_SECONDS:
            raise InvalidInput(f"not a duration: {text!r} (between 0 and {_MAX_SECONDS} seconds)")
        return timedelta(seconds=text)
    lowered = text.strip().lower()
    if lowered.isdigit():
        return parse_duration(int(lowered))
    if not _WHOLE.match(lowered):
        raise InvalidInput(f"not a duration: {text!r} (write e.g. 15m, 1h, 4h, 24h, 1h30m, 2d)")
    parts = _PART.findall(lowered)
    units = [unit for _, unit in parts]
    if len(set(units)) != len(units):
        raise InvalidInput(f"not a duration: {text!r} (each unit at most once, e.g. 1h30m)")
    seconds = sum(int(n) * _UNITS[u] for n, u in parts)
    if seconds > _MAX_SECONDS:
        raise InvalidInput(f"not a duration: {text!r} (at most {_MAX_SECONDS // 86400} days)")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """For display, in the plan's units: ``1h 30m``, ``48h``; ``0s`` for zero; ``-5m`` if negative."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    parts = []
    for unit, size in _DISPLAY_UNITS.items():
        amount, seconds = divmod(seconds, size)
        if amount:
            parts.append(f"{amount}{unit}")
    return sign + (" ".join(parts) if parts else "0s")
