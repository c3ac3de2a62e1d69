"""``tocsin breach …``: the GDPR personal-data breach of a security incident from a terminal:
show it (the 72 h clock, the assessment, the notifications), its dossier, the register."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.services.security import breaches

app = typer.Typer(
    help="GDPR personal-data breaches (Articles 33 and 34): show, dossier, register.", no_args_is_help=True
)


@app.command()
def show(incident_id: int) -> None:
    """The breach of a security incident: "Notify CNIL by …", its state, assessment, notifications."""
    with container() as c:
        view = breaches.view_breach(c.services, IncidentId(incident_id), by=local_actor(None))
    b, a, clock = view.breach, view.breach.assessment, view.clock
    out.print(f"Personal-data breach of #{view.incident.id} {view.incident.title}")
    out.print(f"State: {clock.state.label}")
    if clock.running:
        out.print(f"{clock.headline} ({clock.time_left})")
    out.print(f"Aware since: {b.aware_at:%Y-%m-%d %H:%M} UTC; deadline {clock.notify_by:%Y-%m-%d %H:%M} UTC")
    out.print(
        f"Personal data: {'yes' if a.personal_data else 'no'}; "
        f"risk: {a.risk.label if a.risk else 'being assessed'}"
    )
    if a.rationale:
        out.print(f"Rationale: {a.rationale}")
    out.print(
        f"Data: {', '.join(a.data_categories) or '—'}; subjects: {', '.join(a.subject_categories) or '—'}"
    )
    numbers = [
        f"~{n} {what}"
        for n, what in ((a.subjects_approx, "subjects"), (a.records_approx, "records"))
        if n is not None
    ]
    if numbers:
        out.print("Numbers: " + ", ".join(numbers))
    if b.delay_reasons:
        out.print(f"Reasons for the delay: {b.delay_reasons}")
    for n in b.notices:
        out.print(
            f"  {n.kind.value}: {n.at:%Y-%m-%d %H:%M} UTC to {n.authority} by {n.method.label}, "
            f"ref {n.reference or '—'}"
        )


@app.command()
def dossier(incident_id: int) -> None:
    """The Art. 33(3) notification dossier, in Markdown."""
    with container() as c:
        text = breaches.dossier(c.services, IncidentId(incident_id), by=local_actor(None))
    out.print(text, end="")


@app.command()
def register(
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (every column).")] = False,
) -> None:
    """The breach register (Art. 33(5)): every breach, notified or not."""
    with container() as c:
        if as_csv:
            columns, rows = breaches.register_rows(c.services, by=local_actor(None))
            writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            return
        views = breaches.register(c.services, by=local_actor(None))
    if not views:
        out.print("No personal-data breach recorded.")
    for v in views:
        initial = v.breach.initial
        notified = (
            f"notified {initial.at:%Y-%m-%d} ref {initial.reference or '—'}" if initial else "not notified"
        )
        risk = v.breach.assessment.risk.value if v.breach.assessment.risk else "assessing"
        out.print(
            f"#{v.incident.id}  aware {v.breach.aware_at:%Y-%m-%d %H:%M}  {v.clock.state.value:<16} "
            f"risk {risk:<5} "
            f"{notified}  {v.incident.title}"
        )
