"""Alert identity as Alertmanager computes it, for sources that send no ``fingerprint``.

FNV-1a 64-bit over the label pairs sorted by name, each name and value followed by the byte
0xFF, printed as 16 lowercase hex digits (prometheus/common ``LabelSet.Fingerprint``). Using the
same function means an alert keeps its identity whichever way it reaches tocsin.
"""

from __future__ import annotations

from collections.abc import Mapping

_OFFSET = 0xCBF29CE484222325
_PRIME = 0x100000001B3
_MASK = 0xFFFFFFFFFFFFFFFF
_SEPARATOR = b"\xff"


def fingerprint(labels: Mapping[str, str]) -> str:
    """The 16-hex-digit fingerprint of a label set (``cbf29ce484222325`` for no labels)."""
    value = _OFFSET
    for name in sorted(labels):
        for byte in name.encode() + _SEPARATOR + labels[name].encode() + _SEPARATOR:
            value = ((value ^ byte) * _PRIME) & _MASK
    return f"{value:016x}"
