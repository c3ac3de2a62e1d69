"""French and English: the gettext catalogs under ``tocsin/locale``, and the viewer's language
and time zone.

The language (and the time zone times are shown in) lives in a context variable, so each web
request (each one runs in its own context, copied into the thread pool for sync endpoints), each
CLI command and each worker job has its own. A request starts with ``begin(...)``
(Accept-Language, then ``server.language``); once the signed-in user is known, ``choose(...)``
switches to their own setting. The choice is a mutable holder shared by the copies of the
request's context, so a dependency run in one pool thread and the endpoint run in another see
the same language.

Messages are written in English in the code and templates (the msgid); ``make messages``
extracts them (``babel.cfg``), updates ``locale/<lang>/LC_MESSAGES/tocsin.po`` and compiles the
``.mo`` files that ship in the wheel. The plan's own wording (its French checklist lines and
steps) is data, never a msgid: it reads the same in every language.
"""

from __future__ import annotations

import gettext as stdlib_gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from babel.support import Translations

from tocsin.domain import user

DOMAIN = "tocsin"
LANGUAGES = user.LANGUAGES  # what tocsin speaks
DEFAULT = "en"
NAMES = {"en": "English", "fr": "Français"}
MAX_ACCEPT_LANGUAGE = 500  # header bytes read; the rest is ignored


@dataclass(slots=True)
class _Choice:
    language: str
    timezone: str | None = None  # an IANA name; None: the browser's (the page converts)


_current: ContextVar[_Choice] = ContextVar("tocsin_language")


def supported(language: str | None) -> str | None:
    """``language`` if tocsin speaks it (``fr-BE`` -> ``fr``), else ``None``."""
    if not language:
        return None
    primary = language.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


@cache
def translations(language: str) -> stdlib_gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: the msgids themselves, unless overridden)."""
    directory = str(files("tocsin").joinpath("locale"))
    return Translations.load(directory, [supported(language) or DEFAULT], domain=DOMAIN)


def language() -> str:
    choice = _current.get(None)
    return choice.language if choice else DEFAULT


def gettext(message: str) -> str:
    return translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Marks a message for extraction where it is defined; ``gettext`` it where it is shown."""
    return message


def begin(language: str) -> Token[_Choice]:
    """Start a request (or command) in ``language``; ``end`` the token when it is over."""
    return _current.set(_Choice(supported(language) or DEFAULT))


def end(token: Token[_Choice]) -> None:
    _current.reset(token)


def timezone() -> str | None:
    """The viewer's time zone (their ``people`` entry), or ``None`` to leave it to the browser."""
    choice = _current.get(None)
    return choice.timezone if choice else None


def choose(language: str | None, timezone: str | None = None) -> None:
    """Refine the running request with the signed-in user's language and time zone (``None``
    keeps what the request started with)."""
    choice = _current.get(None)
    if choice is None:
        choice = _Choice(DEFAULT)
        _current.set(choice)
    choice.language = supported(language) or choice.language
    choice.timezone = timezone or choice.timezone


@contextmanager
def using(language: str) -> Iterator[str]:
    """Run a block in ``language`` (an e-mail rendered by the worker, a status page export)."""
    token = begin(language)
    try:
        yield supported(language) or DEFAULT
    finally:
        end(token)


def from_accept_language(header: str | None) -> str | None:
    """The first language tocsin speaks in an ``Accept-Language`` header, by quality (RFC 9110
    §12.5.4; ``q=0`` means "not this one"); ``None`` if none fits."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "")[:MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        found = supported(tag)
        if found:
            return found
    return None


def negotiate(user: str | None, accept_language: str | None, default: str) -> str:
    """The user's setting, then the browser's ``Accept-Language``, then ``server.language``."""
    return supported(user) or from_accept_language(accept_language) or supported(default) or DEFAULT
