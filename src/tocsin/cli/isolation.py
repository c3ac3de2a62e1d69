"""``tocsin incident isolate ID [ACTION]``: the security procedure's isolation actions from a
terminal. Without ACTION, the configured actions and their state on the incident; with it, the
request is shown (method, URL, body; never the headers' secrets) and sent once confirmed."""

from __future__ import annotations

from typing import Annotated

import typer

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.errors import InvalidInput
from tocsin.domain.incident import IncidentId
from tocsin.services.security import isolation

Params = Annotated[
    list[str] | None,
    typer.Option(
        "--param", "-p", help="An action parameter as NAME=VALUE (repeatable), e.g. cidr=203.0.113.0/24."
    ),
]


def _params(items: list[str] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items or ():
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"--param {item!r}: write NAME=VALUE, e.g. cidr=203.0.113.0/24")
        found[name.strip()] = value
    return found


def _list(incident_id: int, by: str | None) -> None:
    with container() as c:
        found = isolation.overview(c.services, IncidentId(incident_id), by=local_actor(by))
    if not found.states:
        out.print("No isolation action is configured (security.isolation.actions).")
    for state in found.states:
        a = state.action
        params = " ".join(f"--param {p.name}=…" for p in a.params)
        out.print(
            f"{a.key:<20} {state.status.value:<10} {a.label} — {a.run.method} {a.run.url} {params}".rstrip()
        )
        if state.last:
            out.print(f"{'':<20} last: {state.last.at:%Y-%m-%d %H:%M:%S} UTC {state.last.text}")


def isolate(  # noqa: PLR0917 - typer options are keyword arguments on the command line
    incident_id: int,
    action: Annotated[str | None, typer.Argument(help="The action's key; leave out to list them.")] = None,
    param: Params = None,
    undo: Annotated[bool, typer.Option("--undo", help="Send the action's undo instead.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Send without asking.")] = False,
    by: Annotated[str | None, typer.Option("--by", help="Name recorded on the timeline.")] = None,
) -> None:
    """Run (or --undo) an isolation action on a security incident, after a confirmation."""
    if action is None:
        _list(incident_id, by)
        return
    actor = local_actor(by)
    with container() as c:
        params = _params(param)
        prepared = isolation.prepare(
            c.services, IncidentId(incident_id), action, by=actor, params=params, undo=undo
        )
        if not yes:
            out.print(f"Incident #{incident_id}: {prepared.prompt}")
            if not typer.confirm("Send it?", default=False):
                raise fail("not confirmed: nothing was sent", 1)
        attempt = isolation.run(
            c.services, IncidentId(incident_id), action, by=actor, params=params, confirm=True, undo=undo
        )
    if not attempt.ok:
        raise fail(
            f"{attempt.text} — recorded on the timeline; not retried: run the command again to retry", 1
        )
    out.print(attempt.text)
