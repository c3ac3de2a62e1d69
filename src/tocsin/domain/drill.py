"""Drills: a synthetic incident run through the real pipeline, marked as one everywhere. Pure.

The default scenario is the plan's own example, its Incident Report template: "API P99 > 5s"
fires, someone acknowledges, the root cause is found (the DB connection pool), the API is
restarted, latency is back to normal, and the post-mortem lists the template's action items.

A drill's incident carries ``drill=True``: what it sends out (Slack, the GitHub issue, e-mail
pages) says "[DRILL]" first, the public status page refuses it, and reports leave it out of
MTTA/MTTR and compliance figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from tocsin.domain.errors import Conflict
from tocsin.domain.incident import Incident

PREFIX = "[DRILL]"
SOURCE = "drill"


def mark(text: str, drill: bool) -> str:
    """``[DRILL] text`` for a drill (once), ``text`` otherwise."""
    if not drill or text.startswith(PREFIX):
        return text
    return f"{PREFIX} {text}"


def title(incident: Incident) -> str:
    """The incident's title as it leaves tocsin: marked when it is a drill."""
    return mark(incident.title, incident.drill)


def refuse_public(incident: Incident) -> None:
    """The public status page never publishes a drill."""
    if incident.drill:
        raise Conflict(
            f"incident #{incident.id} is a drill: the public status page never publishes a drill "
            "(its draft stays private)"
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """What the drill plays: the alert, then what the responders write at each step."""

    alertname: str = "APIHighLatency"
    summary: str = "API P99 > 5s"
    description: str = "The API's 99th percentile latency has been above 5 seconds for 5 minutes."
    service: str = "api"
    components_down: tuple[str, ...] = ("api",)
    root_cause: str = "DB connection pool exhausted"
    root_cause_detail: str = "Database connection pool size (10) insufficient under peak load."
    mitigation: str = "Restarted API service"
    resolution: str = "Latency back to normal"
    whys: tuple[tuple[str, str], ...] = (
        ("Why was the API slow?", "Requests waited for a free database connection."),
        ("Why were there no free connections?", "The pool (10) was sized for normal, not peak, load."),
    )
    action_items: tuple[str, ...] = (
        "Increase connection pool to 20",
        "Add alert for connection pool usage > 80%",
        "Load test with realistic traffic",
    )


PLAN_EXAMPLE = Scenario()
"""The plan's Incident Report template, played as a drill."""
