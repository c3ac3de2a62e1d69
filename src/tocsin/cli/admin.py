"""``tocsin db …`` and ``tocsin config …``: the database schema and the plan file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli.runtime import err, exit_code, fail, out, settings
from tocsin.config import ConfigError, check, load_settings
from tocsin.config.escalation import config_errors

db = typer.Typer(help="Database schema migrations and backups.", no_args_is_help=True)
config = typer.Typer(help="The plan as configuration (tocsin.yaml).", no_args_is_help=True)


@db.command()
def upgrade() -> None:
    """Apply every pending migration (safe to run repeatedly)."""
    from tocsin.bootstrap.database import migrate

    url = settings().database.url
    migrate.upgrade(url)
    out.print(f"Database is at revision {migrate.current(url)} (head {migrate.head()})")


@db.command()
def backup(
    destination: Annotated[Path, typer.Argument(help="The file to write (it must not exist).")],
) -> None:
    """A consistent copy of the database while tocsin runs (SQLite online backup, or pg_dump)."""
    from tocsin.bootstrap.database import BackupError
    from tocsin.bootstrap.database import backup as copy

    if destination.exists():
        raise fail(f"{destination} exists: choose a new file name (backups are never overwritten)", 2)
    try:
        how = copy(settings().database.url, destination)
    except BackupError as error:
        raise fail(str(error)) from None
    size = destination.stat().st_size
    out.print(f"Backed up to {destination} ({size:,} bytes, {how})")


@db.command()
def current() -> None:
    """The schema revision of the database, and whether it is up to date."""
    from tocsin.bootstrap.database import migrate

    url = settings().database.url
    revision = migrate.current(url)
    state = (
        "up to date" if revision == migrate.head() else f"behind head {migrate.head()}: run tocsin db upgrade"
    )
    out.print(f"{revision or 'empty (no migration applied)'} — {state}")
    if revision != migrate.head():
        raise typer.Exit(1)


@config.command("check")
def check_(
    path: Annotated[Path | None, typer.Argument(help="File to check (default: $TOCSIN_CONFIG).")] = None,
) -> None:
    """Validate the configuration; print warnings for valid but suspicious settings."""
    environ = dict(os.environ)
    if path is not None:
        environ["TOCSIN_CONFIG"] = str(path)
    try:
        loaded = load_settings(environ)
    except ConfigError as error:
        raise fail(str(error), exit_code(error)) from None
    for warning in check(loaded):
        err.print(f"warning: {warning}")
    source = environ.get("TOCSIN_CONFIG", "built-in defaults")
    errors = config_errors(loaded)  # on-call schedules: empty, overlapping overrides
    if errors:
        raise fail("\n".join(f"{source}: {e}" for e in errors), exit_code(ConfigError(errors)))
    out.print(f"{source}: OK")
