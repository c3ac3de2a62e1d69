"""``tocsin incident security|unrestrict|procedure|step``: the plan's security procedure from a
terminal (the local operator acts as an admin, who sees restricted incidents)."""

from __future__ import annotations

from typing import Annotated

import typer

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.domain.security_steps import StepState
from tocsin.services.incidents import flags
from tocsin.services.security import procedure as security_procedure

By = Annotated[
    str | None, typer.Option("--by", help="Name recorded on the timeline (default: cli:<os user>).")
]


def mark(
    incident_id: int,
    reason: Annotated[str, typer.Option(help="Why (recorded on the timeline).")] = "",
    by: By = None,
) -> None:
    """Mark a security incident: its details become restricted to the security role and admins."""
    with container() as c:
        flags.mark_security_incident(c.services, IncidentId(incident_id), reason=reason, by=local_actor(by))
    out.print(
        f"Incident #{incident_id} is a security incident: details restricted, the security procedure applies"
    )


def unrestrict(
    incident_id: int,
    reason: Annotated[str, typer.Option(help="Why it is not a security incident (required).")],
    by: By = None,
) -> None:
    """Lift the restriction (admins): the incident's details become visible to every reader."""
    with container() as c:
        flags.unmark_security_incident(c.services, IncidentId(incident_id), reason=reason, by=local_actor(by))
    out.print(
        f"Incident #{incident_id} is no longer a security incident: its details are visible to every reader"
    )


def procedure(incident_id: int) -> None:
    """The security procedure's five steps: state, owner, times and notes."""
    with container() as c:
        steps = security_procedure.procedure(c.services, IncidentId(incident_id), by=local_actor(None))
    for step in steps:
        owner = f" — {step.owner}" if step.owner else ""
        times = ""
        if step.started_at:
            times += f" started {step.started_at:%Y-%m-%d %H:%M} UTC"
        if step.ended_at:
            times += f" ended {step.ended_at:%Y-%m-%d %H:%M} UTC"
        out.print(f"{step.number}. {step.text} [{step.state.label}]{owner}{times}")
        for note in step.notes:
            out.print(f"     {note.at:%H:%M} UTC {note.actor}: {note.text}")


def step(  # noqa: PLR0917 - typer maps each parameter to an argument or option
    incident_id: int,
    number: Annotated[
        int,
        typer.Argument(
            min=1, max=5, help="1 Isolation, 2 Forensics, 3 GDPR, 4 Communication, 5 Investigation."
        ),
    ],
    state: Annotated[StepState | None, typer.Option(help="todo, in_progress, done or not_needed.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who carries the step ('' for nobody).")] = None,
    note: Annotated[str, typer.Option(help="What was done or found.")] = "",
    by: By = None,
) -> None:
    """Move one step of the security procedure, give it an owner, or note what was done."""
    with container() as c:
        updated = security_procedure.update_step(
            c.services,
            IncidentId(incident_id),
            number,
            state=state,
            owner=owner,
            note=note,
            by=local_actor(by),
        )
    owner_text = f", owner {updated.owner}" if updated.owner else ""
    head = f"Step {updated.number} ({updated.name}) of incident #{incident_id}"
    out.print(f"{head}: {updated.state.label}{owner_text}")
