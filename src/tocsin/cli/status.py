"""``tocsin status …``: post a public update, approve the customer email, export the page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services import customer_email, statuspage
from tocsin.services.statuspage_view import Snapshot, snapshot
from tocsin.web.statuspage.pages import Renderer

app = typer.Typer(help="The public status page.", no_args_is_help=True)

By = Annotated[
    str | None, typer.Option("--by", help="Name recorded on the timeline (default: cli:<os user>).")
]


def _components(values: list[str]) -> list[str] | dict[str, str] | None:
    if not values:
        return None
    if any("=" in v for v in values):
        return dict(v.partition("=")[::2] for v in values)
    return values


@app.command()
def update(
    incident_id: int,
    status: Annotated[str, typer.Argument(help="investigating, identified, monitoring or resolved.")],
    *,
    message: Annotated[str | None, typer.Option("--message", "-m", help="Omit to publish the draft.")] = None,
    component: Annotated[
        list[str], typer.Option("--component", "-c", help="Affected component key, or key=status.")
    ] = [],  # noqa: B006 - typer reads the default
    name: Annotated[str | None, typer.Option(help="Public title of the incident.")] = None,
    by: By = None,
) -> None:
    """Post a status page update (rendered like the plan's Status Page Update template)."""
    try:
        parsed = UpdateStatus(status)
    except ValueError:
        raise fail(f"unknown status {status!r}: {', '.join(s.value for s in UpdateStatus)}", 2) from None
    with container() as c:
        public = statuspage.post_status_update(
            c.services,
            IncidentId(incident_id),
            status=parsed,
            message=message,
            components=_components(component),
            name=name,
            by=local_actor(by),
        )
        out.print(public.updates[-1].render(), markup=False)


@app.command("approve-email")
def approve_email(incident_id: int, by: By = None) -> None:
    """Approve and send the prepared "> 1 h" customer email."""
    with container() as c:
        email = customer_email.approve(c.services, IncidentId(incident_id), by=local_actor(by))
        out.print(f"Sent: {email.subject}", markup=False)


@app.command()
def export(directory: Path) -> None:
    """Write the whole public page and its v2 JSON as static files, for nginx or a CDN."""
    with container() as c:
        snap = snapshot(c.services)
    written = write_static(snap, directory)
    out.print(f"Wrote {written} files to {directory}")


def write_static(snap: Snapshot, directory: Path) -> int:
    """Atomic per file (write then rename), so a server reading the directory never sees half a page."""
    renderer = Renderer(root="/")
    count = 0
    for path in renderer.paths(snap):
        rendered = renderer.render(snap, path)
        if rendered is None:
            continue
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_bytes(rendered[1])
        tmp.replace(target)
        count += 1
    return count
