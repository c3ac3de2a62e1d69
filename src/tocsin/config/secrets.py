"""Every secret value a loaded configuration holds, so the log renderer can mask them.

``SecretStr`` fields anywhere in the settings tree (source tokens and passwords, Slack bot token
and signing secret, GitHub token and webhook secret, SMTP password, webhook signing secrets…),
the database URL's password, and the environment values isolation steps put in their headers.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tocsin.config.schema import Settings

MIN_SECRET = 4  # shorter values would mask ordinary words; nobody configures such a secret


def _walk(value: object) -> Iterator[str]:
    if isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name))
        resolved = (value.__pydantic_private__ or {}).get("_secrets", ())
        yield from (item for item in resolved if isinstance(item, str))  # isolation ${NAME} values
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)


def _database_password(url: str) -> str:
    try:
        return make_url(url).password or ""
    except ArgumentError:
        return ""


def secret_values(settings: Settings) -> tuple[str, ...]:
    found = {*_walk(settings), _database_password(settings.database.url)}
    return tuple(sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True))
