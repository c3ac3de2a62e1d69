"""``tocsin report TITLE``: report a problem from a terminal (the plan's "user report")."""

from __future__ import annotations

from typing import Annotated

import typer

from tocsin.cli.runtime import container, local_actor, out
from tocsin.domain.severity import Severity
from tocsin.services.reports import Report, report_problem


def report(
    title: str,
    *,
    description: Annotated[str, typer.Option("--description", "-d", help="What you see.")] = "",
    severity: Annotated[str | None, typer.Option("--severity", "-s", help="P0..P3, if you know.")] = None,
    service: Annotated[str, typer.Option(help="The service affected, e.g. frontend.")] = "",
    dedup_key: Annotated[str, typer.Option("--key", help="Reports with one key share an incident.")] = "",
    by: Annotated[str | None, typer.Option("--by", help="Your name (default: cli:<os user>).")] = None,
) -> None:
    """Report a problem: opens an incident (source "user report") or joins the open one."""
    with container() as c:
        parsed = Severity.parse(severity) if severity else None
        result = report_problem(
            c.services,
            Report(title, description, parsed, service, dedup_key),
            by=local_actor(by),
            reopen_window=c.settings.intake.reports_reopen_window,
        )
        verb = {"open": "Opened", "reopen": "Reopened"}.get(result.route.value, "Added to")
        out.print(f"{verb} incident #{result.incident_id}")
