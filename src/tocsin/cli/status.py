"""``tocsin status …``: post a public update, approve the customer email, export the page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.domain.maintenance import MaintenanceStatus
from tocsin.domain.statuspage import UpdateStatus
from tocsin.services.statuspage import customer_email, maintenance, statuspage
from tocsin.services.statuspage import export as statuspage_export
from tocsin.web.statuspage.export import DirectorySite

app = typer.Typer(help="The public status page.", no_args_is_help=True)
maintenance_app = typer.Typer(help="Scheduled maintenance on the public page.", no_args_is_help=True)
app.add_typer(maintenance_app, name="maintenance")

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


def _when(value: str, option: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: not an ISO 8601 time with zone (e.g. 2026-12-01T22:00:00Z)", 2) from None


@maintenance_app.command("schedule")
def maintenance_schedule(
    name: Annotated[str, typer.Argument(help="Public title of the maintenance.")],
    *,
    start: Annotated[str, typer.Option("--for", help="Start, ISO 8601 with zone.")],
    until: Annotated[str, typer.Option("--until", help="End, ISO 8601 with zone.")],
    message: Annotated[str, typer.Option("--message", "-m", help="What will happen.")],
    component: Annotated[list[str], typer.Option("--component", "-c", help="Affected component key.")] = [],  # noqa: B006 - typer reads the default
    by: By = None,
) -> None:
    """Announce a maintenance window; prints its id."""
    with container() as c:
        created = maintenance.schedule(
            c.services,
            name=name,
            message=message,
            scheduled_for=_when(start, "--for"),
            scheduled_until=_when(until, "--until"),
            components=component,
            by=local_actor(by),
        )
        out.print(f"{created.id} {created.updates[-1].render()}", markup=False)


@maintenance_app.command("update")
def maintenance_update(
    maintenance_id: str,
    status: Annotated[str, typer.Argument(help="scheduled, in_progress, verifying or completed.")],
    *,
    message: Annotated[str, typer.Option("--message", "-m")],
    by: By = None,
) -> None:
    """Post a maintenance update (moves it forward)."""
    try:
        parsed = MaintenanceStatus(status)
    except ValueError:
        allowed = ", ".join(s.value for s in MaintenanceStatus)
        raise fail(f"unknown status {status!r}: {allowed}", 2) from None
    with container() as c:
        updated = maintenance.post_update(
            c.services, maintenance_id, status=parsed, message=message, by=local_actor(by)
        )
        out.print(updated.updates[-1].render(), markup=False)


@maintenance_app.command("list")
def maintenance_list() -> None:
    """The most recently scheduled maintenances."""
    with container() as c:
        for m in maintenance.listing(c.services):
            out.print(
                f"{m.id} {m.status.value:<11} {m.scheduled_for:%Y-%m-%d %H:%M}–"
                f"{m.scheduled_until:%Y-%m-%d %H:%M} UTC {m.name}",
                markup=False,
            )


@app.command()
def export(directory: Path) -> None:
    """Write the whole public page and its v2 JSON as static files, for nginx or a CDN (the
    files ``statuspage.export_dir`` keeps up to date on every change)."""
    with container() as c:
        done = statuspage_export.export(c.services, DirectorySite(directory), force=True)
    out.print(f"Wrote {done.written} files to {directory} (status revision {done.revision})", markup=False)
