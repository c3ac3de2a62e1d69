"""The web side of French and English: Jinja2's i18n extension wired to the catalogs, and the
language of a request (the user's setting, then ``Accept-Language``, then ``server.language``)."""

from __future__ import annotations

from contextvars import Token
from typing import Any

from fastapi import Request
from jinja2 import Environment

from tocsin.domain.user import User
from tocsin.platform import i18n
from tocsin.web.context import container_of

__all__ = ["begin_request", "choose_for", "end", "install", "request_language"]


def install(env: Environment) -> None:
    """``_()``, ``gettext``, ``ngettext`` and ``{% trans %}`` in ``env``'s templates, in the
    language of the running request or job (new style: ``_("Hello %(name)s", name=x)``, the
    values escaped)."""
    env.add_extension("jinja2.ext.i18n")
    install_callables: Any = getattr(env, "install_gettext_callables")  # noqa: B009 - added by the extension
    install_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals["current_language"] = i18n.language


def server_language(request: Request) -> str:
    return container_of(request).settings.server.language


def request_language(request: Request, user_language: str | None = None) -> str:
    return i18n.negotiate(user_language, request.headers.get("accept-language"), server_language(request))


def begin_request(request: Request) -> Token[Any]:
    """The language of a request before the user is known (``choose_for`` refines it)."""
    return i18n.begin(request_language(request))


def end(token: Token[Any]) -> None:
    i18n.end(token)


def person_timezone(request: Request, email: str) -> str | None:
    """The ``timezone`` of the ``people`` entry with this e-mail, if one is written there."""
    for person in container_of(request).settings.people.values():
        if person.email.lower() == email.lower() and "timezone" in person.model_fields_set:
            return person.timezone
    return None


def choose_for(request: Request, user: User) -> None:
    """The signed-in user's language (their setting) and time zone (their ``people`` entry)."""
    i18n.choose(user.language, person_timezone(request, user.email))
