"""``tocsin postmortem …``: the plan's Phase 4 from a terminal: show, edit, complete, waive."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain import postmortem as domain
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import postmortem
from tocsin.services.incidents.postmortem_edit import Edit

app = typer.Typer(
    help="Post-mortems: show, edit, complete, waive (the plan's Phase 4).", no_args_is_help=True
)


By = Annotated[
    str | None, typer.Option("--by", help="Name recorded on the timeline (default: cli:<os user>).")
]


def _show(pm: domain.PostMortem) -> None:
    due = f", due {pm.due_at:%Y-%m-%d %H:%M} UTC" if pm.due_at else ""
    out.print(f"Post-mortem of #{pm.incident_id}: {pm.status.value}{due}, owner {pm.owner or '—'}")
    if not pm.status.done and pm.missing():
        out.print(f"To complete it: {', '.join(pm.missing())}")


@app.command()
def show(incident_id: int) -> None:
    """The post-mortem's state, what it still needs, and its curated timeline."""
    with container() as c:
        current = postmortem.view(c.services, IncidentId(incident_id), by=local_actor(None))
    if current.postmortem is None:
        required = "required" if current.required else "optional for this severity"
        out.print(f"Incident #{incident_id} has no post-mortem yet ({required}).")
    else:
        _show(current.postmortem)
    for entry in current.timeline:
        hidden = " (hidden)" if entry.hidden else ""
        out.print(f"  {entry.at:%Y-%m-%d %H:%M} UTC  {entry.text}{hidden}  [{entry.key}]")


@app.command()
def start(incident_id: int, by: By = None) -> None:
    """Start an optional post-mortem (P2/P3); P0/P1 get one when resolved."""
    with container() as c:
        _show(postmortem.start(c.services, IncidentId(incident_id), by=local_actor(by)))


@app.command("set")
def set_(  # noqa: PLR0917 - typer options are keyword arguments on the command line
    incident_id: int,
    summary: Annotated[str | None, typer.Option(help="What happened, in a few lines.")] = None,
    impact: Annotated[str | None, typer.Option(help="Users and services affected.")] = None,
    root_cause: Annotated[str | None, typer.Option("--root-cause")] = None,
    owner: Annotated[str | None, typer.Option(help="A person id or user e-mail.")] = None,
    by: By = None,
) -> None:
    """Set text fields of the draft."""
    change = Edit(owner=owner, summary=summary, impact=impact, root_cause=root_cause)
    with container() as c:
        _show(postmortem.edit(c.services, IncidentId(incident_id), change, by=local_actor(by)))


@app.command()
def action(
    incident_id: int,
    title: str,
    owner: Annotated[str, typer.Option(help="A person id or user e-mail.")] = "",
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    by: By = None,
) -> None:
    """Add an action item."""
    try:
        due_on = date.fromisoformat(due) if due else None
    except ValueError:
        raise typer.BadParameter(f"not a date: {due!r} (write YYYY-MM-DD)", param_hint="--due") from None
    actor = local_actor(by)
    with container() as c:
        current = postmortem.view(c.services, IncidentId(incident_id), by=actor).postmortem
        items = current.action_items if current is not None else ()
        new = domain.ActionItem(0, title, owner, due_on)
        pm = postmortem.edit(c.services, IncidentId(incident_id), Edit(action_items=(*items, new)), by=actor)
    added = pm.action_items[-1]
    out.print(f"Action item {added.id} added: {added.title}")


@app.command()
def done(incident_id: int, item: int, by: By = None) -> None:
    """Mark action item ITEM done."""
    actor = local_actor(by)
    with container() as c:
        current = postmortem.view(c.services, IncidentId(incident_id), by=actor).postmortem
        items = current.action_items if current is not None else ()
        if item not in {a.id for a in items}:
            raise typer.BadParameter(f"incident #{incident_id} has no action item {item}", param_hint="ITEM")
        marked = tuple(
            domain.ActionItem(a.id, a.title, a.owner, a.due_on, a.done or a.id == item) for a in items
        )
        postmortem.edit(c.services, IncidentId(incident_id), Edit(action_items=marked), by=actor)
    out.print(f"Action item {item} done")


@app.command()
def why(
    incident_id: int,
    question: str,
    because: str,
    leads_to: Annotated[
        list[int] | None, typer.Option("--leads-to", help="Action item id(s) this last step leads to.")
    ] = None,
    by: By = None,
) -> None:
    """Add a step to the 5 Whys chain (the last one names the action items it leads to)."""
    actor = local_actor(by)
    with container() as c:
        current = postmortem.view(c.services, IncidentId(incident_id), by=actor).postmortem
        whys = current.whys if current is not None else ()
        change = Edit(
            whys=(*whys, domain.Why(question, because)), why_actions=tuple(leads_to) if leads_to else None
        )
        _show(postmortem.edit(c.services, IncidentId(incident_id), change, by=actor))


@app.command()
def complete(incident_id: int, by: By = None) -> None:
    """Complete the post-mortem (needs a root cause, an action item and the 5 Whys)."""
    with container() as c:
        _show(postmortem.complete(c.services, IncidentId(incident_id), by=local_actor(by)))


@app.command()
def waive(
    incident_id: int,
    reason: Annotated[str, typer.Option(help="Why no post-mortem is needed.")],
    by: By = None,
) -> None:
    """Waive the post-mortem (an administrator's decision, with its reason on the timeline)."""
    with container() as c:
        _show(postmortem.waive(c.services, IncidentId(incident_id), reason=reason, by=local_actor(by)))


@app.command()
def reopen(incident_id: int, by: By = None) -> None:
    """Reopen a complete or waived post-mortem for more edits."""
    with container() as c:
        _show(postmortem.reopen(c.services, IncidentId(incident_id), by=local_actor(by)))
