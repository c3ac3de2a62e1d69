"""``tocsin oncall now|show|feed`` and ``tocsin incident escalate``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.incident import IncidentId
from tocsin.domain.localtime import zone
from tocsin.domain.oncall import Shift
from tocsin.services.paging import escalation, feeds, oncall
from tocsin.services.paging.ports import Paging

app = typer.Typer(help="Who is on call: now, next, the rotation, calendar feeds.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _name(paging: Paging, person: str) -> str:
    found = paging.directory.people.get(person)
    return found.name if found else person


def _local(at: datetime, tz: str) -> str:
    return f"{at.astimezone(zone(tz)):%a %Y-%m-%d %H:%M %Z}"


def _shift_json(paging: Paging, shift: Shift | None) -> dict[str, Any] | None:
    if shift is None:
        return None
    return {
        "person": shift.person,
        "name": _name(paging, shift.person),
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "source": shift.source,
    }


@app.command()
def now(as_json: AsJson = False) -> None:
    """Who is on call now and next in every schedule, and who each escalation target pages."""
    with container() as c:
        paging, at = c.services.paging, c.clock.now()
        schedules, targets = oncall.who_is_on_call(paging, at, by=local_actor(None))
        if as_json:
            data = {
                "at": at.isoformat(),
                "schedules": [
                    {
                        "id": s.id,
                        "current": _shift_json(paging, s.current),
                        "next": _shift_json(paging, s.next),
                    }
                    for s in schedules
                ],
                "targets": {t.target: [p.id for p in t.people] for t in targets},
            }
            out.print_json(json.dumps(data))
            return
        for s in schedules:
            current = (
                f"{_name(paging, s.current.person)} until {_local(s.current.end, s.timezone)}"
                if s.current
                else "nobody"
            )
            following = (
                f"{_name(paging, s.next.person)} from {_local(s.next.start, s.timezone)}"
                if s.next
                else "nobody"
            )
            detail = escape(f"({s.id}, {s.timezone}): {current}; next: {following}")
            out.print(f"[bold]{escape(s.name)}[/] {detail}", markup=True)
        table = Table("TARGET", "PAGES NOW", "SEVERITIES", box=None)
        for t in targets:
            people = ", ".join(p.name for p in t.people) or "nobody"
            table.add_row(f"{t.name} ({t.target})", people, "/".join(s.value for s in t.severities))
        out.print(table)


@app.command()
def show(
    schedule: str,
    days: Annotated[int, typer.Option(min=1, max=180, help="How many days ahead.")] = 28,
    as_json: AsJson = False,
) -> None:
    """The rotation of one schedule over the coming days, in the schedule's time zone."""
    with container() as c:
        paging, at = c.services.paging, c.clock.now()
        shifts = oncall.schedule_shifts(paging, schedule, at, at + timedelta(days=days))
        if as_json:
            out.print_json(json.dumps([_shift_json(paging, s) for s in shifts]))
            return
        tz = paging.directory.schedules[schedule].tz.key
        table = Table("FROM", "UNTIL", "ON CALL", "BY", box=None)
        for s in shifts:
            table.add_row(_local(s.start, tz), _local(s.end, tz), _name(paging, s.person), s.source)
        out.print(table)


@app.command()
def feed(
    subject: str,
    person: Annotated[bool, typer.Option("--person", help="SUBJECT is a person, not a schedule.")] = False,
) -> None:
    """Create a secret iCal feed URL for a schedule (or a person's own shifts). Shown once."""
    with container() as c:
        kind = "person" if person else "schedule"
        created, token = feeds.create_feed(c.services, kind, subject, by=local_actor(None))
        base = c.settings.server.base_url
        out.print(f"Feed #{created.id} for {kind} {subject} (keep the URL secret):")
        out.print(f"{base}/calendar/{token}.ics")


def escalate(incident_id: int, by: Annotated[str | None, typer.Option("--by")] = None) -> None:
    """Escalate now: run the next step of the incident's escalation policy."""
    with container() as c:
        escalation.escalate_incident(c.services, IncidentId(incident_id), by=local_actor(by))
        state = escalation.get_escalation(c.services, IncidentId(incident_id), by=local_actor(by))
        steps = state.position if state else 0
        out.print(f"Escalated incident #{incident_id} (step {steps} of its policy has run)")
