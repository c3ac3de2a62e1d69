"""The rules every free text and timestamp of an incident obeys: titles are one line of at most
200 characters, other texts at most 10,000, and timestamps are timezone-aware."""

from __future__ import annotations

from datetime import datetime

from tocsin.domain.errors import InvalidInput

MAX_TITLE = 200
MAX_TEXT = 10_000


def refuse_nul(field: str, text: str) -> str:
    """A NUL character cannot be stored (PostgreSQL text and JSON refuse it): say so, as a 422,
    rather than fail at the database."""
    if "\x00" in text:
        raise InvalidInput(f"{field}: contains a NUL character (\\0), which cannot be stored")
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
