"""The root ``tocsin`` command and its groups."""

from __future__ import annotations

import typer

from tocsin.cli import (
    admin,
    breach,
    drill,
    evidence,
    incident,
    jobs,
    oncall,
    pages,
    postmortem,
    runbooks,
    serve,
    starter,
    status,
    token,
    user,
)
from tocsin.cli.report import report

app = typer.Typer(
    name="tocsin",
    help="tocsin — self-hosted incident response, the plan as software.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(serve.serve)
app.command()(serve.worker)
app.command()(report)
app.command("init")(starter.init)
app.command("drill")(drill.drill_command)
app.add_typer(admin.db, name="db")
app.add_typer(admin.config, name="config")
app.add_typer(incident.app, name="incident")
app.add_typer(postmortem.app, name="postmortem")
app.add_typer(breach.app, name="breach")
app.add_typer(evidence.app, name="evidence")
app.add_typer(runbooks.app, name="runbooks")
app.add_typer(token.app, name="token")
app.add_typer(jobs.app, name="jobs")
app.add_typer(user.app, name="user")
app.add_typer(oncall.app, name="oncall")
app.add_typer(status.app, name="status")
app.add_typer(pages.app, name="pages")
