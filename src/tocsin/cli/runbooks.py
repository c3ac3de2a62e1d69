"""``tocsin runbooks check``: which alerts have no runbook (the ones seen, or a rules file's)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from tocsin.cli.runtime import container, fail, out
from tocsin.services.incidents import runbooks

app = typer.Typer(help="Runbooks: check which alerts have none.", no_args_is_help=True)


def rule_alerts(path: Path) -> tuple[list[str], list[str]]:
    """``(names, names with a runbook_url annotation)`` of a Prometheus rules file."""
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise fail(f"{path}: cannot read the rules file: {str(exc).splitlines()[0]}", 2) from None
    names, linked = [], []
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise fail(f"{path}: not a Prometheus rules file (no top-level 'groups' list)", 2)
    for group in groups:
        for rule in (group or {}).get("rules") or []:
            name = rule.get("alert") if isinstance(rule, dict) else None
            if isinstance(name, str):
                names.append(name)
                if str((rule.get("annotations") or {}).get("runbook_url", "")).startswith(
                    ("http://", "https://")
                ):
                    linked.append(name)
    return names, linked


@app.command()
def check(
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="A Prometheus rules file: check its alerts instead."),
    ] = None,
) -> None:
    """List the alert names without a runbook (by front matter, or a runbook_url annotation in
    the rules file); exits 1 when there are some, so CI can keep runbooks complete."""
    with container() as c:
        if c.services.runbooks is None:
            raise fail("runbooks.dir is not set: there is no runbook directory to check against", 6)
        for problem in c.services.runbooks.errors():
            out.print(f"skipped {problem}")
        if rules is not None:
            names, linked = rule_alerts(rules)
            missing = [n for n in runbooks.missing(c.services, names) if n not in linked]
            origin = f"in {rules}"
        else:
            missing = runbooks.missing(c.services)
            origin = "among the alerts received"
    if not missing:
        out.print(f"Every alert {origin} has a runbook.")
        return
    out.print(f"{len(missing)} alert(s) {origin} have no runbook:")
    for name in missing:
        out.print(f"  {name}")
    raise typer.Exit(1)
