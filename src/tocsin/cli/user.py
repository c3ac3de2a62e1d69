"""``tocsin user …``: local accounts for the web UI."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.access import Role
from tocsin.domain.contacts import ContactMethod, check_address
from tocsin.domain.errors import InvalidInput
from tocsin.platform.i18n import gettext as _
from tocsin.services.access import users
from tocsin.services.access.ports import PasswordHasher
from tocsin.services.paging import contacts

app = typer.Typer(help="Create and list the people who sign in to the web UI.", no_args_is_help=True)

_ROLES = ", ".join(role.value for role in Role)


PasswordStdin = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from standard input (one line), for scripts."),
]


def _checked(hasher: PasswordHasher, password: str) -> str:
    try:
        return users.check_new_password(hasher, password)
    except InvalidInput as exc:
        raise typer.BadParameter(exc.detail.removeprefix("password: "), param_hint="password") from None


def _password(hasher: PasswordHasher, given: str | None, from_stdin: bool) -> str:
    """From ``--password``, standard input (``--password-stdin``, or whenever it is not a
    terminal), or a hidden prompt on a terminal, checked before it is asked again."""
    if given is not None and from_stdin:
        raise typer.BadParameter("give --password or --password-stdin, not both", param_hint="password")
    if given is not None:
        return _checked(hasher, given)
    if from_stdin or not sys.stdin.isatty():  # piped: one line, no prompt (getpass would warn)
        return _checked(hasher, sys.stdin.readline().rstrip("\r\n"))
    while True:
        first = str(typer.prompt("Password", hide_input=True))
        try:
            _checked(hasher, first)
        except typer.BadParameter as exc:
            out.print(f"That password will not do: {exc.message}. Try again.")
            continue
        if str(typer.prompt("Repeat the password", hide_input=True)) == first:
            return first
        out.print("The two entries differ. Try again.")


@app.command()
def create(
    email: Annotated[str, typer.Argument(help="The sign-in name, e.g. rita@example.org.")],
    role: Annotated[str, typer.Option("--role", "-r", help=f"One of {_ROLES}.")] = "responder",
    password: Annotated[
        str | None, typer.Option("--password", "-p", help="Prompted for (hidden, twice) when omitted.")
    ] = None,
    name: Annotated[str, typer.Option("--name", "-n", help="Shown in the UI, e.g. 'Rita Ramos'.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an account; the password is stored as an argon2id hash."""
    with container() as c:
        parsed = Role.parse(role)  # before the prompt: a typo fails at once
        secret = _password(c.passwords, password, password_stdin)
        by = local_actor(None)
        user = users.create_user(
            c.services, c.passwords, email=email, role=parsed, password=secret, name=name, by=by
        )
        out.print(_("Created user {email} with role {role}.").format(email=user.email, role=user.role.value))
        out.print(_("Sign in at {url}").format(url=f"{c.settings.server.base_url}/sign-in"))


@app.command()
def passwd(
    email: Annotated[str, typer.Argument(help="The user's email.")],
    password: Annotated[
        str | None, typer.Option("--password", "-p", help="Prompted for when omitted.")
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a new password; the user's open sessions end."""
    with container() as c:
        secret = _password(c.passwords, password, password_stdin)
        by = local_actor(None)
        user = users.set_password(c.services, c.passwords, email=email, password=secret, by=by)
        out.print(_("Password of {email} changed; their sessions have ended.").format(email=user.email))


def _when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else ""


@app.command("ls")
def list_() -> None:
    """Accounts and their roles (never the password hashes)."""
    with container() as c:
        table = Table("EMAIL", "NAME", "ROLE", "CREATED", "LAST SIGN-IN", box=None)
        for user in users.list_users(c.services, by=local_actor(None)):
            table.add_row(
                user.email, user.name, user.role.value, _when(user.created_at), _when(user.last_sign_in_at)
            )
        out.print(table)


@app.command()
def language(
    email: Annotated[str, typer.Argument(help="The user's email.")],
    value: Annotated[str, typer.Argument(help="en, fr, or auto (as their browser asks).")],
) -> None:
    """Set the language of a user's web UI (the Preferences page does the same)."""
    with container() as c:
        chosen = None if value.strip().lower() == "auto" else value
        user = users.set_language(c.services, email=email, language=chosen, by=local_actor(None))
        shown = user.language or _("as the browser asks")
        out.print(_("Language of {email}: {language}").format(email=user.email, language=shown))


contact = typer.Typer(
    help="A person's contact methods (sms, voice, push): add, verify with a code, list, remove.",
    no_args_is_help=True,
)
app.add_typer(contact, name="contact")


def _method(person: str, channel: str, address: str) -> ContactMethod:
    return ContactMethod(person, channel, check_address(channel, address))


@contact.command("ls")
def contact_ls(person: str) -> None:
    """The person's contact methods and whether each is verified."""
    with container() as c:
        methods = contacts.list_methods(c.services, person)
    table = Table("CHANNEL", "ADDRESS", "SOURCE", "VERIFIED", box=None)
    for m in methods:
        table.add_row(m.channel, m.address, m.source, "yes" if m.verified else "no")
    out.print(table)


@contact.command("add")
def contact_add(person: str, channel: str, address: str) -> None:
    """Add a method (unverified: send a code, then verify it)."""
    with container() as c:
        method = contacts.add_method(c.services, person, channel, address)
    out.print(f"Added {method.channel} {method.address} for {person}: send a code to verify it.")


@contact.command("send-code")
def contact_send_code(person: str, channel: str, address: str) -> None:
    """Send a 6-digit code through the method itself (valid 10 minutes)."""
    with container() as c:
        contacts.send_code(c.services, _method(person, channel, address))
    out.print(f"Code sent by {channel} to {address}.")


@contact.command("verify")
def contact_verify(person: str, channel: str, address: str, code: str) -> None:
    """Enter the code the method received."""
    with container() as c:
        if not contacts.verify(c.services, _method(person, channel, address), code):
            raise fail("wrong code", 4)
    out.print(f"{channel} {address} verified: it will be paged.")


@contact.command("rm")
def contact_rm(person: str, channel: str, address: str) -> None:
    """Remove a method."""
    with container() as c:
        contacts.remove_method(c.services, person, channel, address)
    out.print(f"Removed {channel} {address} of {person}.")
