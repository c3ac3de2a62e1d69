"""The ``tocsin`` script's root: a command group that imports a command's module only when that
command runs, so ``tocsin --help`` answers without loading the web stack, the database layer or
the services. The full typer application (``tocsin.cli.application``) stays the one place commands are
defined; ``COMMANDS`` names where each top-level one lives and says its one-line help, and a
test keeps the two the same."""

from __future__ import annotations

import importlib
from typing import Any

import typer
import typer.main
from typer._click import Command, Context, HelpFormatter
from typer.core import TyperGroup

COMMANDS: dict[str, tuple[str, str, str]] = {
    # name: (module, attribute: a typer app or a command function, one-line help)
    "serve": (
        "tocsin.cli.serve",
        "serve",
        "Serve the API (and, unless --no-worker, run a job worker in the same process).",
    ),
    "worker": (
        "tocsin.cli.serve",
        "worker",
        "Run a job worker until SIGINT/SIGTERM (run as many as you like, on PostgreSQL).",
    ),
    "report": (
        "tocsin.cli.report",
        "report",
        'Report a problem: opens an incident (source "user report") or joins the open one.',
    ),
    "init": (
        "tocsin.cli.starter",
        "init",
        "Write DIR/tocsin.yaml (commented, fresh secrets) and a sample runbook; print the next steps.",
    ),
    "drill": (
        "tocsin.cli.drill",
        "drill_command",
        'Run a drill: the plan\'s example incident ("API P99 > 5s", P1) from alert to post-mortem, '
        "marked [DRILL] everywhere, through the real services, worker and integrations.",
    ),
    "db": ("tocsin.cli.admin", "db", "Database schema migrations and backups."),
    "config": ("tocsin.cli.admin", "config", "The plan as configuration (tocsin.yaml)."),
    "incident": ("tocsin.cli.incident", "app", "Declare, inspect and act on incidents."),
    "postmortem": (
        "tocsin.cli.postmortem",
        "app",
        "Post-mortems: show, edit, complete, waive (the plan's Phase 4).",
    ),
    "breach": (
        "tocsin.cli.breach",
        "app",
        "GDPR personal-data breaches (Articles 33 and 34): show, dossier, register.",
    ),
    "evidence": (
        "tocsin.cli.evidence",
        "app",
        "The evidence locker of security incidents: add, reference, verify, export, hold, delete.",
    ),
    "runbooks": ("tocsin.cli.runbooks", "app", "Runbooks: check which alerts have none."),
    "token": ("tocsin.cli.token", "app", "Create, list and revoke API tokens."),
    "jobs": ("tocsin.cli.jobs", "app", "Inspect the job queue; retry dead jobs."),
    "user": ("tocsin.cli.user", "app", "Create and list the people who sign in to the web UI."),
    "oncall": ("tocsin.cli.oncall", "app", "Who is on call: now, next, the rotation, calendar feeds."),
    "status": ("tocsin.cli.status", "app", "The public status page."),
    "pages": (
        "tocsin.cli.pages",
        "app",
        "Delivery tracking: who has been paged, through what, and where it stands.",
    ),
}

HELP = "tocsin — self-hosted incident response, the plan as software."


def load(name: str) -> Command:
    """The command of one top-level name, its module imported now."""
    module, attribute, _ = COMMANDS[name]
    found: Any = getattr(importlib.import_module(module), attribute)
    command: Command
    if isinstance(found, typer.Typer):
        command = typer.main.get_group(found)
    else:
        single = typer.Typer(pretty_exceptions_enable=False)
        single.command(name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyRoot(TyperGroup):
    """Lists its commands from ``COMMANDS``; builds one only when it is asked for."""

    def list_commands(self, ctx: Context) -> list[str]:  # noqa: ARG002 - click's signature
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:  # noqa: ARG002
        return load(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:  # noqa: ARG002
        with formatter.section("Commands"):
            formatter.write_dl([(name, text) for name, (_, _, text) in COMMANDS.items()])


root = LazyRoot(name="tocsin", help=HELP, no_args_is_help=True, rich_markup_mode=None)
