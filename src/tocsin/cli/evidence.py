"""``tocsin evidence …``: the forensics evidence locker of a security incident, from a terminal.

``verify`` exits 1 when the custody log or a stored file does not hold together, naming the
first bad entry (its sequence number and what is wrong)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.evidence import Item, Kind
from tocsin.domain.incident import IncidentId
from tocsin.services.security import evidence
from tocsin.services.security.evidence_logs import preserve_logs
from tocsin.services.security.evidence_ports import LogSourceError, TooLarge

app = typer.Typer(
    help="The evidence locker of security incidents: add, reference, verify, export, hold, delete.",
    no_args_is_help=True,
)

By = Annotated[
    str | None, typer.Option("--by", help="Name recorded in the custody log (default: cli:<os user>).")
]


def _line(item: Item) -> str:
    what = f"{item.size} bytes" if item.kind is Kind.FILE else f"reference {item.reference}"
    extra = f" — {item.description}" if item.description else ""
    return f"  {item.id:>4}  {item.sha256[:16]}…  {item.name}  ({what}, {item.added_by}){extra}"


@app.command("ls")
def list_(incident_id: int, by: By = None) -> None:
    """The locker's items, its hold and the custody log's length."""
    with container() as c:
        locker = evidence.view(c.services, IncidentId(incident_id), by=local_actor(by))
    hold = "under legal hold" if locker.held else "not held"
    out.print(
        f"Evidence of #{incident_id}: {len(locker.items)} item(s), {hold}, {locker.entries} custody entries"
    )
    for item in locker.items:
        out.print(_line(item))


@app.command()
def add(
    incident_id: int,
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="The file to keep.")
    ],
    description: Annotated[str, typer.Option(help="What it is, where it comes from.")] = "",
    by: By = None,
) -> None:
    """Copy a file into the locker (stored under its SHA-256; the name is kept as metadata)."""
    with container() as c:
        actor = local_actor(by)
        evidence.check(c.services, IncidentId(incident_id), by=actor)
        locker = evidence.locker_of(c.services)
        receiver = locker.store.receive(locker.max_bytes)
        try:
            with path.open("rb") as source:
                while piece := source.read(1024 * 1024):
                    receiver.write(piece)
            staged = receiver.finish()
        except TooLarge as exc:
            raise fail(f"{path}: {exc}", 2) from None
        except BaseException:
            receiver.abort()
            raise
        item = evidence.add_file(
            c.services, IncidentId(incident_id), staged, name=path.name, description=description, by=actor
        )
    out.print(f"Added item {item.id}: {item.name}, {item.size} bytes, sha256 {item.sha256}")


@app.command()
def ref(
    incident_id: int,
    reference: Annotated[str, typer.Argument(help="A snapshot id, a URL: evidence kept elsewhere.")],
    label: Annotated[str, typer.Option(help="A short name for it.")] = "",
    description: Annotated[str, typer.Option()] = "",
    by: By = None,
) -> None:
    """Register a reference to evidence kept elsewhere."""
    with container() as c:
        item = evidence.add_reference(
            c.services,
            IncidentId(incident_id),
            reference,
            label=label,
            description=description,
            by=local_actor(by),
        )
    out.print(f"Added reference {item.id}: {item.reference} (sha256 {item.sha256})")


@app.command()
def verify(incident_id: int, by: By = None) -> None:
    """Check the custody chain and every stored file; exit 1 naming the first bad entry."""
    with container() as c:
        result = evidence.verify(c.services, IncidentId(incident_id), by=local_actor(by))
    if result.broken:
        out.print(f"BROKEN: custody entry {result.broken.seq}: {result.broken.problem}")
    for bad in result.bad_files:
        out.print(f"BROKEN: {bad}")
    if not result.ok:
        raise typer.Exit(1)
    out.print(f"OK: {result.entries} custody entries chain together; every stored file matches its hash")


@app.command()
def custody(incident_id: int, by: By = None) -> None:
    """The custody log: who did what to which item, when."""
    with container() as c:
        entries = evidence.custody(c.services, IncidentId(incident_id), by=local_actor(by))
    for e in entries:
        item = f" item {e.item_id} {e.item_sha256[:12]}…" if e.item_id else ""
        note = f" — {e.note}" if e.note else ""
        at = f"{e.at:%Y-%m-%d %H:%M:%S} UTC"
        out.print(f"  {e.seq:>4}  {at}  {e.actor}  {e.action.value}{item}{note}  {e.hash[:12]}…")


@app.command()
def export(
    incident_id: int,
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.", dir_okay=False)],
    by: By = None,
) -> None:
    """Write the locker as a zip: the files, manifest.json, custody.json and MANIFEST.sha256."""
    if output.exists():
        raise fail(f"{output} already exists: choose another --output", 2)
    partial = output.with_name(output.name + ".part")
    try:
        with (
            container() as c,
            evidence.export(c.services, IncidentId(incident_id), by=local_actor(by)) as archive,
            partial.open("xb") as target,
        ):
            shutil.copyfileobj(archive, target)
        partial.rename(output)
    finally:
        partial.unlink(missing_ok=True)
    out.print(f"Wrote {output}")


@app.command()
def hold(
    incident_id: int,
    state: Annotated[str, typer.Argument(help="on or off.")],
    note: Annotated[str, typer.Option(help="Why (recorded in the custody log).")] = "",
    by: By = None,
) -> None:
    """Legal hold on (nothing can be deleted) or off."""
    with container() as c:
        on = evidence.parse_hold(state)
        evidence.set_hold(c.services, IncidentId(incident_id), on, note=note, by=local_actor(by))
    out.print(f"Evidence of #{incident_id} is {'under legal hold' if on else 'no longer held'}")


@app.command()
def delete(
    incident_id: int,
    item_id: int,
    note: Annotated[str, typer.Option(help="Why (recorded in the custody log).")] = "",
    by: By = None,
) -> None:
    """Delete an item (refused under legal hold); the custody log keeps its trace."""
    with container() as c:
        item = evidence.delete(c.services, IncidentId(incident_id), item_id, note=note, by=local_actor(by))
    out.print(f"Deleted item {item.id} ({item.name})")


@app.command("preserve-logs")
def preserve(
    incident_id: int,
    query: Annotated[str, typer.Option(help="LogQL (default: security.evidence.loki_query).")] = "",
    by: By = None,
) -> None:
    """Keep the incident window's logs from Loki (15 min before detection to resolution)."""
    with container() as c:
        try:
            item = preserve_logs(c.services, IncidentId(incident_id), query=query, by=local_actor(by))
        except LogSourceError as exc:
            raise fail(str(exc), 1) from None
    out.print(f"Preserved logs as item {item.id}: {item.name} — {item.description}")
