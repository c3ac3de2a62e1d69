"""``tocsin token …``: API bearer tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.access import Role
from tocsin.platform.i18n import gettext as _
from tocsin.services.access import tokens

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


@app.command()
def create(
    name: Annotated[
        str, typer.Option("--name", "-n", help="Who or what will use it, e.g. grafana or alice.")
    ],
    role: Annotated[str, typer.Option("--role", "-r", help="viewer, responder or admin.")] = "responder",
    rotate: Annotated[
        bool, typer.Option("--rotate", help="Revoke the active token of this name and make a new one.")
    ] = False,
) -> None:
    """Create a token. It is shown once, alone on the last line; only its hash is stored."""
    with container() as c:
        record, secret = tokens.create_token(
            c.services, name=name, role=Role.parse(role), by=local_actor(None), rotate=rotate
        )
        out.print(
            _("Created token {name} with role {role}.").format(name=repr(record.name), role=record.role.value)
        )
        out.print(_("Store it now: it is not shown again."))
        print(secret)  # the secret alone on the last line, for scripts


@app.command()
def revoke(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: requests using it get 401 at once."""
    with container() as c:
        record = tokens.revoke_token(c.services, name=name, by=local_actor(None))
        out.print(_("Revoked token {name}").format(name=repr(record.name)))


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else ""


@app.command("ls")
def list_() -> None:
    """Tokens and their roles (never the secrets)."""
    with container() as c:
        table = Table("NAME", "ROLE", "CREATED", "LAST USED", "REVOKED", box=None)
        for record in tokens.list_tokens(c.services, by=local_actor(None)):
            table.add_row(
                record.name,
                record.role.value,
                _when(record.created_at),
                _when(record.last_used_at),
                _when(record.revoked_at),
            )
        out.print(table)
