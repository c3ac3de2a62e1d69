"""Value types shared by the settings sections: how people write them and how they read back.

Every parser raises ``PydanticCustomError`` so the message reaches the user as written, without
pydantic's "Value error," prefix. Values from environment variables arrive as strings, hence
the comma-separated lists and the ``none`` spelling of an empty optional duration.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from datetime import time, timedelta
from functools import cache
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer
from pydantic_core import PydanticCustomError

from tocsin.domain.duration import parse_duration
from tocsin.domain.errors import InvalidInput

TARGET_KINDS = ("role", "schedule", "team", "person")
_NONE_WORDS = {"", "none", "null", "never", "off"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def error(kind: str, message: str) -> PydanticCustomError:
    """A validation error whose text is ``message`` verbatim (braces included)."""
    return PydanticCustomError(f"tocsin_{kind}", "{message}", {"message": message})


def did_you_mean(word: str, choices: list[str]) -> str:
    """`` (did you mean 'port'?)`` when a choice is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _duration(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str | int | float):
        raise error("duration", f"not a duration: {value!r} (write e.g. 15m, 1h, 4h, 24h)")
    try:
        return parse_duration(value)
    except InvalidInput as exc:
        raise error("duration", exc.detail) from None
    except (OverflowError, ValueError):  # .inf, .nan, 10**20: timedelta refuses them
        raise error("duration", f"not a usable duration: {value!r}") from None


def _optional_duration(value: Any) -> Any:
    if value is None or (isinstance(value, str) and value.strip().lower() in _NONE_WORDS):
        return None
    return _duration(value)


def _string_list(value: Any) -> Any:
    """``"a, b"`` -> ``["a", "b"]``: the plan writes lists that way, and so do env vars."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _identifier(value: Any) -> Any:
    if isinstance(value, str) and not _ID.match(value):
        raise error(
            "identifier",
            f"not an id: {value!r} (use lowercase letters, digits, '_', '-' or '.', e.g. sre_oncall)",
        )
    return value


def _target(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    kind, sep, ident = value.strip().partition(":")
    kind = kind.strip().lower()
    if not sep or kind not in TARGET_KINDS or not _ID.match(ident.strip()):
        raise error(
            "target",
            f"not an escalation target: {value!r} (write kind:id with kind one of "
            f"{', '.join(TARGET_KINDS)}, e.g. role:cto or schedule:sre_oncall)",
        )
    return f"{kind}:{ident.strip()}"


def _show_duration(value: timedelta) -> str:
    """Hours, not days, as the plan writes them: ``15m``, ``1h30m``, ``24h``, ``48h``, ``72h``."""
    minutes, seconds = divmod(int(value.total_seconds()), 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if n]
    return "".join(parts) or "0s"


@cache
def _zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def _timezone(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = did_you_mean(value, _zones()) or " (write an IANA name such as Europe/Paris or UTC)"
        raise error("timezone", f"unknown time zone: {value!r}{hint}") from None
    return value


def _clock_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise error("time", f"not a time of day: {value!r} (write HH:MM, e.g. '09:00')")
    return time(int(match[1]), int(match[2]))


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(_show_duration, return_type=str, when_used="json"),
]
"""``15m``, ``1h30m``, ``2d`` or a number of seconds; reads back as ``1h30m``, ``48h``."""

OptionalDuration = Annotated[
    timedelta | None,
    BeforeValidator(_optional_duration),
    PlainSerializer(
        lambda v: None if v is None else _show_duration(v), return_type=str | None, when_used="json"
    ),
]
"""A ``Duration`` or ``null``/``none``: the requirement does not apply."""

StringList = Annotated[list[str], BeforeValidator(_string_list)]
Identifier = Annotated[str, BeforeValidator(_identifier)]
IdentifierList = Annotated[list[Identifier], BeforeValidator(_string_list)]
Target = Annotated[str, BeforeValidator(_target)]
TargetList = Annotated[list[Target], BeforeValidator(_string_list)]
TimeZone = Annotated[str, BeforeValidator(_timezone)]
ClockTime = Annotated[
    time,
    BeforeValidator(_clock_time),
    PlainSerializer(lambda v: v.strftime("%H:%M"), return_type=str, when_used="json"),
]
"""``HH:MM`` on a 24-hour clock."""
