"""Untrusted JSON, decoded so that nothing in it can crash the code after it or the database.

Two hazards survive ``json.loads``: text the databases cannot store (``"\\u0000"``, a lone
``"\\ud800"``: see ``domain.text``), and integers so long that Python refuses to convert them
(more than 4,300 digits: ``json.loads`` then raises a ``ValueError`` whose text is Python's, not
a JSON error). ``decode`` turns such an integer into a ``HugeNumber`` marker instead of failing,
so the caller can name where it was; ``first_unstorable`` finds the first bad value with its
path (the web layer refuses it, 422 naming the field), ``repaired`` returns the document with
its text made storable (the intake, whose senders would resend the same body forever).

Documents are walked with an explicit stack: a deeply nested (but decodable) document cannot
exhaust the interpreter's recursion limit here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tocsin.domain.text import storable, unstorable

MAX_DIGITS = 4300  # Python's own limit on int("…") (sys.int_info.default_max_str_digits)
Path = tuple[str | int, ...]


class HugeNumber:
    """An integer of more than ``MAX_DIGITS`` digits: no field takes one, nothing stores one."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"a number of {self.digits} digits"

    @property
    def reason(self) -> str:
        return f"a number of {self.digits} digits is far too large"


def _integer(text: str) -> int | HugeNumber:
    digits = len(text) - text.startswith("-")
    return HugeNumber(digits) if digits > MAX_DIGITS else int(text)


def decode(body: bytes | str) -> Any:
    """``json.loads`` with long integers marked; ``ValueError`` if it is not JSON (nor UTF-8),
    ``RecursionError`` if it nests deeper than the decoder goes."""
    return json.loads(body, parse_int=_integer)


def decode_checked(body: bytes | str) -> tuple[Any, bool]:
    """``decode``, and whether the document may hold a hazard (``first_unstorable``/``repaired``
    then need to walk it; the walk costs ~10x the decoding itself on a webhook). In UTF-8 JSON
    a NUL can only come from a ``\\u`` escape (a raw control character does not decode), a
    lone surrogate from a ``\\u`` escape or its bytes (0xED 0xA0-0xBF, which ``json.loads``
    lets through); a body without a NUL byte is not UTF-16/32. Text (``str``) is always walked."""
    huge: list[HugeNumber] = []

    def integer(text: str) -> int | HugeNumber:
        number = _integer(text)
        if isinstance(number, HugeNumber):
            huge.append(number)
        return number

    value = json.loads(body, parse_int=integer)
    if isinstance(body, str):
        return value, True
    return value, bool(huge) or b"\\u" in body or b"\xed" in body or b"\x00" in body


def _children(value: Any, path: Path) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key), key  # a key is text that gets stored too (labels)
            yield (*path, key), item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index), item


def first_unstorable(value: Any) -> tuple[Path, str] | None:
    """The path and the reason of the first value that cannot be stored, or ``None``."""
    stack: list[tuple[Path, Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            reason = unstorable(item)
            if reason is not None:
                return path, reason
        elif isinstance(item, HugeNumber):
            return path, item.reason
        else:
            stack.extend(reversed(list(_children(item, path))))
    return None


def repaired(value: Any) -> Any:
    """``value`` with every text (keys included) made storable; ``HugeNumber`` markers stay."""
    if isinstance(value, str):
        return storable(value)
    if not isinstance(value, dict | list):
        return value
    root: list[Any] = [value]
    stack: list[tuple[Any, Any]] = [(root, 0)]  # (container, key) whose item is to repair
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            container[key] = storable(item)
        elif isinstance(item, list):
            stack.extend((item, index) for index in range(len(item)))
        elif isinstance(item, dict):
            fixed = {storable(k): v for k, v in item.items()}
            container[key] = fixed
            stack.extend((fixed, k) for k in fixed)
    return root[0]
