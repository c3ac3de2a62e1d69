"""``tocsin pages ls INCIDENT``: who has been told about an incident, through what, and where
each page stands."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.services.paging import pages

app = typer.Typer(
    help="Delivery tracking: who has been paged, through what, and where it stands.", no_args_is_help=True
)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _at(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S}" if at is not None else "-"


@app.command("ls")
def ls(incident_id: int, as_json: AsJson = False) -> None:
    """Every page and notice of an incident: batch, person, method, state and times (UTC)."""
    with container() as c:
        rows = pages.list_pages(c.services, IncidentId(incident_id), by=local_actor(None))
    if as_json:
        data = [
            {
                "batch": r.batch,
                "person": r.person,
                "name": r.name,
                "channel": r.channel,
                "purpose": r.purpose,
                "trigger": r.trigger,
                "status": r.status,
                "due_at": r.due_at.isoformat(),
                "sent_at": r.sent_at.isoformat() if r.sent_at else None,
                "status_at": r.status_at.isoformat() if r.status_at else None,
            }
            for r in rows
        ]
        out.print_json(json.dumps(data))
        return
    if not rows:
        out.print(f"Nobody has been notified about incident #{incident_id}.")
        return
    table = Table("BATCH", "PERSON", "METHOD", "PURPOSE", "STATE", "DUE", "SENT", "LAST CHANGE", box=None)
    for r in rows:
        table.add_row(
            str(r.batch),
            escape(r.name),
            r.channel,
            f"{r.purpose} ({r.trigger})",
            r.status.replace("_", " "),
            _at(r.due_at),
            _at(r.sent_at),
            _at(r.status_at),
        )
    out.print(table)
