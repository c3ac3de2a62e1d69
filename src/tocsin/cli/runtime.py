"""What every command shares: settings, the container, the local actor and error rendering."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from tocsin.config import ConfigError, Settings, load_settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from tocsin.platform import i18n
from tocsin.platform.i18n import gettext as _

if TYPE_CHECKING:  # the container's modules load when a command needs it, not for --help
    from tocsin.bootstrap import Container

out = Console(highlight=False, soft_wrap=True, markup=False)  # markup only where asked, escaped
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

# one place maps errors to exit codes (2 is typer's own usage-error code)
EXIT_CODES: dict[type[Exception], int] = {
    InvalidInput: 2,
    NotFound: 3,
    InvalidTransition: 4,
    Conflict: 4,
    PermissionDenied: 5,
    ConfigError: 6,
}


def exit_code(error: Exception) -> int:
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


def fail(message: str, code: int = 1) -> typer.Exit:
    label = escape(_("error:"))
    err.print(f"[bold red]{label}[/] {escape(message)}", markup=True)
    return typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings(os.environ)
    except ConfigError as error:
        raise fail(str(error), exit_code(error)) from None


def build_container(loaded: Settings) -> Container:
    """The container every command uses: with the static page writer, so a worker started
    here keeps ``statuspage.export_dir`` up to date."""
    from tocsin.bootstrap import build
    from tocsin.web.statuspage.export import DirectorySite

    return build(loaded, static_site=DirectorySite)


@contextmanager
def container() -> Iterator[Container]:
    """Build the container; turn domain errors into one clean line and a non-zero exit."""
    built = build_container(settings())
    language = i18n.begin(built.settings.server.language)  # the CLI speaks server.language
    try:
        yield built
    except DomainError as error:
        raise fail(error.detail, exit_code(error)) from None
    finally:
        i18n.end(language)
        built.close()


def local_actor(by: str | None) -> Actor:
    """Whoever can run the CLI against the database is an administrator; ``--by`` names them."""
    return Actor(name=by or f"cli:{getpass.getuser()}", role=Role.ADMIN)
