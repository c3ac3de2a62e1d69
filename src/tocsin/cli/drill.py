"""``tocsin drill``: run the plan's example incident as a drill, through the real pipeline.

The jobs the drill's steps imply (pages, the Slack card, the GitHub issue…) are run here by a
worker of this process, so it works with or without a running ``tocsin serve``/``tocsin worker``
(they may take some of the jobs first, which changes nothing).
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import typer
from rich.markup import escape

from tocsin.cli.runtime import container, fail, local_actor, out
from tocsin.domain.errors import InvalidInput
from tocsin.domain.severity import Severity
from tocsin.platform.logs import configure_logging
from tocsin.services.drill import drill
from tocsin.worker.runner import Worker

EXIT_NO_ANSWER = 7
"""An integration the configuration promises did not answer within the timeout."""


def _json(result: drill.DrillRun) -> dict[str, Any]:
    return {
        "incident_id": int(result.incident_id),
        "title": result.title,
        "severity": result.severity.value,
        "drill": True,
        "closed": result.closed,
        "ok": result.ok,
        "steps": [
            {"step": s.name, "text": s.text, "at_seconds": round(s.at, 3), "took_seconds": round(s.took, 3)}
            for s in result.steps
        ],
        "integrations": [
            {
                "integration": c.integration,
                "question": c.question,
                "expected": c.expected,
                "answered": c.answered,
                "detail": c.detail,
                "after_seconds": None if c.after is None else round(c.after, 3),
            }
            for c in result.checks
        ],
        "report": result.report,
    }


def _print(result: drill.DrillRun) -> None:
    out.print(f"DRILL #{result.incident_id} {result.title} ({result.severity.value})")
    out.print("Plan steps:")
    for step in result.steps:
        out.print(f"  +{step.at:7.2f} s  {step.text}  ({step.took:.2f} s)")
    out.print("Integrations:")
    for check in result.checks:
        mark = "[green]yes[/]" if check.answered else "[bold red]NO[/]" if check.expected else "[dim]—[/]"
        after = f" after {check.after:.2f} s" if check.after is not None else ""
        out.print(f"  {escape(check.question):<34} {mark}  {escape(check.detail)}{after}", markup=True)
    state = "closed" if result.closed else "left open (--keep): finish its post-mortem and close it"
    out.print(f"Drill #{result.incident_id} {state}.")
    out.print("")
    out.print(result.report)


def drill_command(
    severity: Annotated[
        str, typer.Option("--severity", "-s", help="P0..P3 (the plan's example is P1).")
    ] = "P1",
    keep: Annotated[
        bool,
        typer.Option("--keep", help="Leave the drill unclosed, its post-mortem a draft, for training."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    timeout: Annotated[
        float, typer.Option(help="Seconds each integration has to answer.", min=0.5, max=600)
    ] = 30.0,
    by: Annotated[
        str | None, typer.Option("--by", help="Name recorded on the timeline (default: cli:<os user>).")
    ] = None,
) -> None:
    """Run a drill: the plan's example incident ("API P99 > 5s", P1) from alert to post-mortem,
    marked [DRILL] everywhere, through the real services, worker and integrations.

    Exits 0 when every configured integration answered, 7 when one did not within --timeout."""
    try:
        level = Severity.parse(severity)
    except (InvalidInput, ValueError):
        raise typer.BadParameter(
            f"{severity!r} is not a severity (P0, P1, P2 or P3)", param_hint="--severity"
        ) from None
    with container() as c:
        configure_logging("WARNING", c.settings.logging.format)  # on stderr: a failing job, not each one
        worker = Worker(c, worker_id=f"drill:{time.time_ns()}")
        driver = drill.Driver(
            run_jobs=worker.run_once, monotonic=time.monotonic, sleep=time.sleep, timeout=timeout
        )
        result = drill.run(c.services, driver, severity=level, keep=keep, by=local_actor(by))
    if as_json:
        out.print(json.dumps(_json(result), indent=2, ensure_ascii=False))
    else:
        _print(result)
    if not result.ok:
        missing = ", ".join(c.integration for c in result.checks if c.expected and not c.answered)
        raise fail(
            f"drill #{result.incident_id}: no answer from {missing} within {timeout:g} s", EXIT_NO_ANSWER
        )
