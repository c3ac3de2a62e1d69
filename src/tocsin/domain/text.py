"""The rules every free text and timestamp of an incident obeys: titles are one line of at most
200 characters, other texts at most 10,000, and timestamps are timezone-aware.

And what both databases can store: no NUL character (PostgreSQL's text and JSON refuse it) and
no lone surrogate (a code point of U+D800..U+DFFF outside a pair, which JSON's ``\\ud800`` and
undecodable command-line bytes produce: it cannot be encoded as UTF-8). Input people type is
refused with the field named (``unstorable``, ``refuse_nul``); input from a machine that would
resend it forever (webhooks) is repaired instead (``storable``).
"""

from __future__ import annotations

import re
from datetime import datetime

from tocsin.domain.errors import InvalidInput

MAX_TITLE = 200
MAX_TEXT = 10_000

_SURROGATE = re.compile("[\ud800-\udfff]")
NUL_REASON = "contains a NUL character (\\0), which cannot be stored"
SURROGATE_REASON = "contains a lone surrogate (an invalid character such as \\ud800), which cannot be stored"


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored in both databases, or ``None`` if it can."""
    if "\x00" in text:
        return NUL_REASON
    if not text.isascii() and _SURROGATE.search(text):
        return SURROGATE_REASON
    return None


def storable(text: str) -> str:
    """``text`` repaired so it can be stored: NUL characters removed, lone surrogates replaced by
    U+FFFD (the replacement character, as a decoder does with a byte it cannot read)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def refuse_nul(field: str, text: str) -> str:
    """Text that cannot be stored (a NUL character, a lone surrogate): say so, as a 422 naming
    ``field``, rather than fail at the database."""
    reason = unstorable(text)
    if reason is not None:
        raise InvalidInput(f"{field}: {reason}")
    return text


def clean_title(title: str) -> str:
    refuse_nul("title", title)
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("title: must not be empty")
    if len(cleaned) > MAX_TITLE:
        raise InvalidInput(f"title: at most {MAX_TITLE} characters (got {len(cleaned)})")
    return cleaned


def clean_text(field: str, text: str) -> str:
    cleaned = refuse_nul(field, text).strip()
    if not cleaned:
        raise InvalidInput(f"{field}: must not be empty")
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(f"{field}: at most {MAX_TEXT} characters (got {len(cleaned)})")
    return cleaned


def clean_optional(field: str, text: str) -> str:
    cleaned = refuse_nul(field, text).strip()
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(f"{field}: at most {MAX_TEXT} characters (got {len(cleaned)})")
    return cleaned


def require_aware(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware UTC")
