"""What a subscription accepts. Pure."""

from __future__ import annotations

import re

from tocsin.domain.errors import InvalidInput

MAX_EMAIL = 254
# One @, no spaces or control characters, a dotted domain: enough to refuse garbage and header
# injection; the double opt-in proves the address works.
_EMAIL = re.compile(
    r"^[^@\s\x00-\x1f\x7f<>,;:\"\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


def clean_email(address: str) -> str:
    """The address, trimmed, with its domain lower-cased; ``InvalidInput`` if it is not one."""
    cleaned = address.strip()
    if len(cleaned) > MAX_EMAIL or not _EMAIL.fullmatch(cleaned):
        raise InvalidInput("email: not a valid email address")
    local, _, domain = cleaned.rpartition("@")
    return f"{local}@{domain.lower()}"
