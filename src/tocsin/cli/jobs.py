"""``tocsin jobs …``: the durable job queue and its dead letters."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tocsin.cli.runtime import container, out

app = typer.Typer(help="Inspect the job queue; retry dead jobs.", no_args_is_help=True)


@app.command("ls")
def list_(
    dead: Annotated[bool, typer.Option("--dead", help="Only dead-lettered jobs.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Jobs not yet done (or ``--dead``), soonest due first."""
    with container() as c:
        rows = c.jobs.list(status="dead" if dead else None, limit=limit)
        table = Table("ID", "KIND", "STATUS", "DUE (UTC)", "ATTEMPTS", "LAST ERROR", box=None)
        for job in rows:
            table.add_row(
                str(job.id),
                job.kind,
                job.status,
                f"{job.due_at:%Y-%m-%d %H:%M:%S}",
                f"{job.attempts}/{job.max_attempts}",
                (job.last_error or "")[:80],
            )
        out.print(table)
        out.print(f"{len(rows)} job(s)")


@app.command()
def retry(job_id: int) -> None:
    """Put a dead or cancelled job back in the queue, due now, with its attempts reset."""
    with container() as c:
        c.jobs.retry(job_id, c.clock.now())
        out.print(f"Job {job_id} is pending again")
