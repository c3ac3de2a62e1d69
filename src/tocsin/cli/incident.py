"""``tocsin incident …``: declare, list, show, acknowledge, resolve, close from a terminal."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from tocsin.cli.render import incident_json, sla_text
from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.note import NoteKind
from tocsin.domain.severity import Severity
from tocsin.platform.i18n import gettext as _
from tocsin.services.incidents import checklist, incidents, postmortem
from tocsin.services.ports import IncidentFilter

app = typer.Typer(help="Declare, inspect and act on incidents.", no_args_is_help=True)

By = Annotated[
    str | None, typer.Option("--by", help="Name recorded on the timeline (default: cli:<os user>).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.command()
def declare(  # noqa: PLR0917 - typer maps each parameter to an argument or option
    title: str,
    severity: Annotated[str, typer.Option("--severity", "-s", help="P0, P1, P2 or P3.")] = "P2",
    summary: Annotated[str, typer.Option(help="What is known so far.")] = "",
    security: Annotated[
        bool, typer.Option("--security", help="A security incident: details restricted to the security role.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the new incident's number (for scripts).")
    ] = False,
    by: By = None,
) -> None:
    """Declare an incident (the plan's "user report" path); starts its response clock."""
    with container() as c:
        created = incidents.declare_incident(
            c.services,
            title=title,
            severity=Severity.parse(severity),
            summary=summary,
            security=security,
            by=local_actor(by),
        )
        level = c.services.plan.level(created.severity)
        if quiet:
            out.print(str(created.id))
            return
        out.print(
            _("Declared incident #{id}: {title} [{level}]").format(
                id=created.id, title=created.title, level=level.label
            )
        )
        if created.security:
            out.print(_("A security incident: its details are for the security role and admins only"))
        out.print(_("Acknowledge by {at} UTC").format(at=f"{created.ack_due_at:%Y-%m-%d %H:%M}"))


@app.command("sev")
def set_severity(
    incident_id: int,
    severity: Annotated[str, typer.Argument(help="P0, P1, P2 or P3.")],
    reason: Annotated[str, typer.Option("--reason", "-r", help="Why (required; on the timeline).")],
    by: By = None,
) -> None:
    """Change an incident's severity, with the reason; unacknowledged, its clock restarts."""
    with container() as c:
        changed = incidents.update_incident(
            c.services,
            IncidentId(incident_id),
            severity=Severity.parse(severity),
            reason=reason,
            by=local_actor(by),
        )
        level = c.services.plan.level(changed.severity)
    out.print(f"Incident #{changed.id} is now {level.label}")
    if changed.acknowledged_at is None:
        out.print(f"Acknowledge by {changed.ack_due_at:%Y-%m-%d %H:%M} UTC")


@app.command("ls")
def list_(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Include resolved and closed incidents.")] = False,
    severity: Annotated[str | None, typer.Option("--severity", "-s")] = None,
    phase: Annotated[str | None, typer.Option("--phase")] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    as_json: AsJson = False,
) -> None:
    """Open incidents, most severe first (``--all`` for every incident)."""
    with container() as c:
        query = IncidentFilter(
            open=None if all_ else True,
            severity=Severity.parse(severity) if severity else None,
            phase=Phase(phase) if phase else None,
            limit=limit,
        )
        page = incidents.list_incidents(c.services, query, by=local_actor(None))
        now = c.clock.now()
        if as_json:
            items = [incident_json(i, now) for i in page.items]
            out.print_json(json.dumps({"items": items, "total": page.total}))
            return
        table = Table("ID", "SEV", "PHASE", "TITLE", "RESPONSE CLOCK", box=None)
        for item in page.items:
            table.add_row(
                f"#{item.id}",
                item.severity.value,
                item.phase.value,
                item.title,
                sla_text(item, now),
            )
        out.print(table)
        out.print(_("{n} incident(s)").format(n=page.total))


@app.command()
def show(incident_id: int, as_json: AsJson = False) -> None:
    """One incident with its timeline."""
    with container() as c:
        actor = local_actor(None)
        found = incidents.get_incident(c.services, IncidentId(incident_id), by=actor)
        events = incidents.get_timeline(c.services, IncidentId(incident_id), by=actor)
        now = c.clock.now()
        if as_json:
            data = incident_json(found, now)
            data["timeline"] = [
                {"at": e.at.isoformat(), "kind": e.kind.value, "actor": e.actor, "text": e.text}
                for e in events
            ]
            out.print_json(json.dumps(data))
            return
        level = c.services.plan.level(found.severity)
        out.print(f"[bold]#{found.id} {escape(found.title)}[/]", markup=True)
        phase = _("phase {phase}").format(phase=found.phase.value)
        out.print(f"{level.label} · {phase} · {sla_text(found, now)}")
        out.print(
            _("Detected {at} UTC by {who} ({source})").format(
                at=f"{found.detected_at:%Y-%m-%d %H:%M:%S}", who=found.declared_by, source=found.source
            )
        )
        if found.summary:
            out.print(found.summary)
        out.print("\n" + _("Timeline:"))
        for event in events:
            out.print(f"  {event.at:%Y-%m-%d %H:%M:%S} UTC  {event.actor:<16} {event.text}")


@app.command("ack")
def acknowledge(incident_id: int, by: By = None) -> None:
    """Acknowledge: stops the response clock."""
    with container() as c:
        acked = incidents.acknowledge_incident(c.services, IncidentId(incident_id), by=local_actor(by))
        at = f"{acked.acknowledged_at:%H:%M:%S}"
        out.print(
            _("Acknowledged incident #{id} at {at} UTC — phase {phase}").format(
                id=acked.id, at=at, phase=acked.phase.value
            )
        )


@app.command()
def resolve(
    incident_id: int, summary: Annotated[str, typer.Option(help="How it was fixed.")] = "", by: By = None
) -> None:
    """Service restored: start post-incident (P0/P1 get a post-mortem deadline)."""
    with container() as c:
        done = incidents.resolve_incident(
            c.services, IncidentId(incident_id), summary=summary, by=local_actor(by)
        )
        out.print(_("Resolved incident #{id}").format(id=done.id))
        if done.postmortem_due_at:
            due = f"{done.postmortem_due_at:%Y-%m-%d %H:%M}"
            out.print(_("Post-mortem required by {at} UTC").format(at=due))


@app.command()
def close(incident_id: int, by: By = None) -> None:
    """Close a resolved incident (P0/P1: once the post-mortem is complete or waived)."""
    with container() as c:
        done = incidents.close_incident(c.services, IncidentId(incident_id), by=local_actor(by))
        out.print(_("Closed incident #{id}").format(id=done.id))


@app.command()
def note(
    incident_id: int,
    text: str,
    kind: Annotated[
        NoteKind | None,
        typer.Option(
            help="observation, hypothesis, root_cause, mitigation or decision (as the report reads it)."
        ),
    ] = None,
    by: By = None,
) -> None:
    """Add a note to the timeline; a typed note reads "Root cause identified: …" in the report."""
    with container() as c:
        incidents.add_note(c.services, IncidentId(incident_id), text, kind=kind, by=local_actor(by))
        shown = f"{kind.label}: {text}" if kind else text
        out.print(f"Noted on incident #{incident_id}: {shown}")


@app.command()
def report(incident_id: int) -> None:
    """Print the Incident Report (Markdown, the plan's template) as it stands now."""
    with container() as c:
        text = postmortem.report(c.services, IncidentId(incident_id), by=local_actor(None))
    typer.echo(text, nl=False)


@app.command()
def check(
    incident_id: int,
    item: Annotated[str, typer.Argument(help="The line's key as the plan numbers it, e.g. 3.2.1.")],
    note: Annotated[str, typer.Option(help="What was done (e.g. rolled back to v1.4.1).")] = "",
    undo: Annotated[bool, typer.Option("--undo", help="Untick the line.")] = False,
    by: By = None,
) -> None:
    """Tick a line of the plan's checklist (on the timeline with who and when)."""
    actor = local_actor(by)
    with container() as c:
        checklist.tick_item(c.services, IncidentId(incident_id), item, done=not undo, note=note, by=actor)
        line = c.services.checklist_items[item.strip()]
    verb = "Unchecked" if undo else "Checked"
    out.print(f"{verb} {line.key} on incident #{incident_id}: {line.text}")


@app.command("checklist")
def show_checklist(incident_id: int) -> None:
    """The plan's checklist of an incident: [x] ticked, with who and when."""
    with container() as c:
        lines = checklist.checklist(c.services, IncidentId(incident_id), by=local_actor(None))
    for line in lines:
        mark = "x" if line.done else " "
        who = f"  ({line.tick.actor}, {line.tick.at:%Y-%m-%d %H:%M} UTC)" if line.tick and line.done else ""
        note = f" — {line.tick.note}" if line.tick and line.tick.note else ""
        out.print(f"[{mark}] {line.item.key:<6} {line.item.text}{note}{who}")


# Commands that live beside their feature but belong under ``tocsin incident``.
from tocsin.cli import isolation, oncall, security  # noqa: E402 - after ``app`` exists

app.command("escalate")(oncall.escalate)
app.command("security")(security.mark)
app.command("unrestrict")(security.unrestrict)
app.command("procedure")(security.procedure)
app.command("step")(security.step)
app.command("isolate")(isolation.isolate)
