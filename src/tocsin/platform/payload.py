"""Reading untrusted JSON with errors that name the JSON path (``$.alerts[2].labels``).

Every problem raises ``InvalidInput`` whose detail starts with the path, so the web layer can
answer 422 pointing at it. Nothing here trusts a type: webhooks come from the network.

Text the databases cannot store is repaired, not refused (``load_json``): a NUL character is
dropped and a lone surrogate becomes U+FFFD. A sender such as Alertmanager resends a refused
notification forever (on a 5xx) or drops the alert (on a 4xx); neither helps anyone, and the
alert with one odd character replaced is still the alert.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tocsin.domain.errors import InvalidInput
from tocsin.platform.json_input import Path, decode_checked, first_unstorable, repaired

MAX_LABELS = 200
MAX_VALUE = 20_000
# Go's zero time: Alertmanager's endsAt while an alert fires.
_ZERO_YEAR = 1
_FRACTION = re.compile(r"(\.\d{6})\d+")


class PayloadError(InvalidInput):
    """The body is JSON, but not of the expected shape; ``path`` names where."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def json_path(path: Path) -> str:
    """``("alerts", 2, "labels")`` -> ``$.alerts[2].labels``."""
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def load_json(body: bytes) -> Any:
    """Parse a body, its text made storable; ``ValueError`` (the caller's 400) if it is not
    JSON text, ``PayloadError`` (422) for an integer too long to read."""
    try:
        value, hazardous = decode_checked(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError included
        raise ValueError(f"the body is not valid JSON: {exc}") from None
    if not hazardous:  # no \u escape, no huge integer: nothing to repair or refuse
        return value
    value = repaired(value)
    left = first_unstorable(value)  # once repaired, only an integer too long to read
    if left is not None:
        raise PayloadError(json_path(left[0]), left[1])
    return value


def obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(path, f"must be an object, got {_kind(value)}")
    return value


def array(value: Any, path: str, *, max_items: int) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(path, f"must be an array, got {_kind(value)}")
    if len(value) > max_items:
        raise PayloadError(path, f"at most {max_items} items (got {len(value)})")
    return value


def string(data: Mapping[str, Any], key: str, path: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    where = f"{path}.{key}"
    if value is None:
        raise PayloadError(where, "is required")
    if not isinstance(value, str):
        raise PayloadError(where, f"must be a string, got {_kind(value)}")
    if len(value) > MAX_VALUE:
        raise PayloadError(where, f"at most {MAX_VALUE} characters")
    return value


def integer(data: Mapping[str, Any], key: str, path: str, *, default: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise PayloadError(f"{path}.{key}", f"must be a whole number from 0, got {value!r:.40}")
    return value


def labels(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> dict[str, str]:
    where = f"{path}.{key}"
    if key not in data or data[key] is None:
        if required:
            raise PayloadError(where, "is required")
        return {}
    value = obj(data[key], where)
    if len(value) > MAX_LABELS:
        raise PayloadError(where, f"at most {MAX_LABELS} entries")
    out: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(item, str):
            raise PayloadError(f"{where}.{name}", f"must be a string, got {_kind(item)}")
        if len(item) > MAX_VALUE or len(name) > 200:
            raise PayloadError(f"{where}.{name}", "too long")
        out[name] = item
    return out


def timestamp(data: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> datetime | None:
    """RFC 3339 (nanoseconds allowed) as aware UTC; Go's zero time and absence are None."""
    where = f"{path}.{key}"
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise PayloadError(where, "is required")
        return None
    if not isinstance(value, str):
        raise PayloadError(where, f"must be an RFC 3339 timestamp string, got {_kind(value)}")
    try:
        parsed = datetime.fromisoformat(value)  # the common case: at most microseconds
    except ValueError:
        try:  # Alertmanager sends nanoseconds: keep six digits
            parsed = datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
        except ValueError:
            raise PayloadError(where, f"not an RFC 3339 timestamp: {value!r:.60}") from None
    if parsed.tzinfo is None:
        raise PayloadError(where, f"needs a time zone (e.g. Z): {value!r:.60}")
    if parsed.year == _ZERO_YEAR:
        return None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise PayloadError(where, f"out of range: {value!r:.60}") from None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
