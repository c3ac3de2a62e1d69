"""The ``tocsin`` script's lazy root: ``tocsin --help`` lists every command without importing
the web stack, the database layer or any command module, and the root offers exactly the
commands of the full application, with the same one-line help."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from tocsin.cli import app
from tocsin.cli.lazy import COMMANDS, load

HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
    "pydantic",
    "jinja2",
    "tocsin.services",
)


def test_the_root_lists_the_applications_commands_with_their_help():
    full = typer.main.get_group(app)
    ctx = typer.main.get_group(app).make_context("tocsin", ["--help"], resilient_parsing=True)
    names = full.list_commands(ctx)
    assert list(COMMANDS) == names
    for name in names:
        assert COMMANDS[name][2] == full.get_command(ctx, name).get_short_help_str(limit=200), name


def test_a_lazily_loaded_group_keeps_its_subcommands():
    incident = load("incident")
    ctx = incident.make_context("incident", ["--help"], resilient_parsing=True)
    assert {"declare", "ack", "security", "unrestrict", "step", "isolate", "escalate"} <= set(
        incident.list_commands(ctx)
    )
    config = load("config")  # a group of one command stays a group: `tocsin config check`
    assert config.list_commands(config.make_context("config", [], resilient_parsing=True)) == ["check"]


def test_help_loads_nothing_heavy():
    probe = (
        "import sys\n"
        "from tocsin.cli.lazy import root\n"
        "try:\n"
        "    root(['--help'], prog_name='tocsin')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    *help_lines, loaded = done.stdout.strip().splitlines()
    assert loaded == "[]"
    listed = "\n".join(help_lines)
    assert all(f"  {name} " in listed for name in COMMANDS)


def test_an_unknown_command_is_a_usage_error():
    done = subprocess.run(
        [sys.executable, "-m", "tocsin", "nope"], check=False, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "No such command 'nope'" in done.stderr
