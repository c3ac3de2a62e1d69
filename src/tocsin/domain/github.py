"""The incident as a GitHub issue: its title, labels, live-summary body, mirrored timeline
comments, the state the issue should be in, and what closing it on GitHub means. Pure.

The body carries a hidden marker naming the incident, so an issue created by a run that
crashed before storing its number is found and adopted instead of created twice. Everything
an alert or a person wrote goes through ``markup.github`` first: no HTML, so no planted marker.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from tocsin.domain import incident as commands
from tocsin.domain import markup
from tocsin.domain.alert import AlertStatus, StoredAlert
from tocsin.domain.duration import format_duration
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Plan

DEFAULT_TITLE = "[{severity}] {title}"
TITLE_FIELDS = ("severity", "title", "id", "date", "alertname", "source")
INCIDENT_LABEL = "incident"
MANAGED_PREFIXES = ("severity:", "phase:")
MAX_TITLE = 256
MAX_EVENTS_PER_COMMENT = 50
MAX_LINE = 500
# Events that came from GitHub are not mirrored back to it.
NOT_MIRRORED = frozenset({EventKind.GITHUB_ISSUE_CLOSED, EventKind.GITHUB_COMMENT})

COLOURS: Mapping[str, str] = {
    INCIDENT_LABEL: "d73a4a",
    "severity:P0": "b60205",
    "severity:P1": "d93f0b",
    "severity:P2": "fbca04",
    "severity:P3": "0e8a16",
}
PHASE_COLOUR = "1d76db"
OTHER_COLOUR = "ededed"


def marker(incident_id: int) -> str:
    """The hidden line in the body that names the incident (searchable as ``tocsin-incident-<id>``)."""
    return f"<!-- tocsin-incident-{incident_id} -->"


def comment_marker(last_event_id: int) -> str:
    return f"<!-- tocsin-events-to-{last_event_id} -->"


def check_title_template(template: str) -> None:
    """Raise ``InvalidInput`` when the template names a field tocsin does not fill."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise InvalidInput(f"title template: {exc}") from None
    unknown = [name for name in names if name not in TITLE_FIELDS]
    if unknown:
        raise InvalidInput(
            f"title template: unknown field {{{unknown[0]}}} (known: {', '.join(TITLE_FIELDS)})"
        )


def alertname(incident: Incident, alerts: Sequence[StoredAlert]) -> str:
    """The first alert's ``alertname`` label (or name); the title's words when no alert."""
    for alert in alerts:
        name = alert.labels.get("alertname") or alert.name
        if name:
            return name
    return "".join(word[:1].upper() + word[1:] for word in incident.title.split())


def title(template: str, incident: Incident, alerts: Sequence[StoredAlert]) -> str:
    """``[P1] Database down`` by default; ``incident-{date}-{alertname}`` gives
    ``incident-2026-11-26-PostgreSQLDown``."""
    check_title_template(template)
    rendered = template.format(
        severity=incident.severity.value,
        title=incident.title,
        id=incident.id,
        date=incident.detected_at.date().isoformat(),
        alertname=alertname(incident, alerts),
        source=incident.source,
    )
    return " ".join(rendered.split())[:MAX_TITLE] or f"Incident {incident.id}"


def labels(incident: Incident, extra: Sequence[str] = ()) -> tuple[str, ...]:
    return (INCIDENT_LABEL, f"severity:{incident.severity.value}", f"phase:{incident.phase.value}", *extra)


def colour(label: str) -> str:
    if label in COLOURS:
        return COLOURS[label]
    return PHASE_COLOUR if label.startswith("phase:") else OTHER_COLOUR


def merge_labels(current: Sequence[str], wanted: Sequence[str]) -> tuple[str, ...]:
    """Keep the labels people added; replace tocsin's own ``severity:``/``phase:`` ones."""
    kept = [name for name in current if not name.startswith(MANAGED_PREFIXES) and name not in wanted]
    return (*kept, *wanted)


def _clock_line(incident: Incident, at: datetime) -> str:
    status = incident.sla(at)
    if incident.acknowledged_at is not None:
        took = format_duration(incident.acknowledged_at - incident.detected_at)
        verdict = "late" if incident.acknowledged_at > incident.ack_due_at else "in time"
        who = markup.github(incident.acknowledged_by or "")
        return f"acknowledged by {who} after {took} ({verdict})"
    due = incident.ack_due_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"respond within {format_duration(incident.response_time)}, due {due} — {status.state.value}"


def body(
    incident: Incident,
    alerts: Sequence[StoredAlert],
    *,
    url: str,
    at: datetime,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """The live summary; rewritten on every sync, so it always shows the incident now."""
    firing = [a for a in alerts if a.status is AlertStatus.FIRING]
    md = markup.github
    impact = incident.impact.describe() if incident.impact.assessed_at else "not assessed yet"
    lines = [
        f"**{md(incident.title)}**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {incident.severity.value} |",
        f"| Phase | {incident.phase.value} |",
        f"| Response clock | {_clock_line(incident, at)} |",
        f"| Detected | {incident.detected_at:%Y-%m-%d %H:%M UTC} (source: {md(incident.source)}) |",
        f"| Impact | {md(impact)} |",
        f"| Alerts | {len(firing)} firing of {len(alerts)} |",
    ]
    if incident.summary:
        lines += ["", md(incident.summary[:2000])]
    if alerts:
        lines += ["", "### Alerts", ""]
        for alert in alerts[:20]:
            link = f" ([source]({markup.link_target(alert.generator_url)}))" if alert.generator_url else ""
            lines.append(f"- `{alert.status.value}` **{md(alert.name)}** {md(alert.summary[:200])}{link}")
        if len(alerts) > 20:
            lines.append(f"- … and {len(alerts) - 20} more")
    if links:
        lines += ["", "### Diagnostics", ""]
        lines += [
            f"- [{md(label.replace(']', ')').replace('[', '('))}]({markup.link_target(link)})"
            for label, link in links
        ]
    if url:
        lines += ["", f"[Open incident #{incident.id} in tocsin]({url})"]
    lines += ["", "_Kept current by tocsin: edits to this description are overwritten._"]
    lines.append(marker(incident.id))
    return "\n".join(lines)


def restricted_body(incident: Incident, *, url: str, at: datetime) -> str:
    """A security incident's issue where its details may not go: its number, severity, phase
    and clock, and where to read the rest."""
    if incident.acknowledged_at is not None:
        took = format_duration(incident.acknowledged_at - incident.detected_at)
        verdict = "late" if incident.acknowledged_at > incident.ack_due_at else "in time"
        clock = f"acknowledged after {took} ({verdict})"
    else:
        clock = _clock_line(incident, at)
    lines = [
        f"**Restricted incident #{incident.id} ({incident.severity.value})**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {incident.severity.value} |",
        f"| Phase | {incident.phase.value} |",
        f"| Response clock | {clock} |",
        f"| Detected | {incident.detected_at.strftime('%Y-%m-%d %H:%M UTC')} |",
        "",
        "A security incident: its details are in tocsin, for the security role and admins.",
    ]
    if url:
        lines += ["", f"[Open incident #{incident.id} in tocsin]({url})"]
    lines += ["", "_Kept current by tocsin: edits to this description are overwritten._"]
    lines.append(marker(incident.id))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored timeline event to mirror."""

    id: int
    event: TimelineEvent


def comments(entries: Sequence[Entry]) -> list[tuple[int, str]]:
    """The events not yet mirrored, as few comments as possible (``MAX_EVENTS_PER_COMMENT`` events
    each): ``(id of the last event in it, body)``. A storm becomes a handful of comments."""
    mirrored = [e for e in entries if e.event.kind not in NOT_MIRRORED]
    out: list[tuple[int, str]] = []
    for start in range(0, len(mirrored), MAX_EVENTS_PER_COMMENT):
        chunk = mirrored[start : start + MAX_EVENTS_PER_COMMENT]
        lines = [
            f"- {e.event.at.strftime('%H:%M:%S')} UTC · {markup.github(e.event.actor)}"
            f" · {markup.github(e.event.text[:MAX_LINE])}"
            for e in chunk
        ]
        last = chunk[-1].id
        out.append((last, "**Timeline**\n\n" + "\n".join(lines) + "\n" + comment_marker(last)))
    return out


def desired_state(incident: Incident) -> str | None:
    """``closed`` once the incident is closed, ``open`` while work goes on, ``None`` (leave
    the issue as it is) after resolution, when the post-mortem is still to come."""
    if incident.phase is Phase.CLOSED:
        return "closed"
    if incident.phase is Phase.POST_INCIDENT:
        return None
    return "open"


@dataclass(frozen=True, slots=True)
class ClosedOnGithub:
    """What closing the issue on GitHub did: the change to write, and the explanation to post
    on the issue when the incident stays open (``refusal``)."""

    change: Change | None
    refusal: str | None = None


def closed_on_github(
    incident: Incident,
    *,
    number: int,
    by: str,
    at: datetime,
    plan: Plan,
    postmortem_done: bool = False,
) -> ClosedOnGithub:
    """Record the closing. An open incident that needs no post-mortem (P2/P3 by default) is
    resolved; a resolved one whose post-mortem is done (or not required) is closed; otherwise
    the incident stays as it is and ``refusal`` says why."""
    if incident.phase is Phase.CLOSED:
        return ClosedOnGithub(None)  # tocsin closed it itself: the echo of our own close
    actor = f"github:{by}"
    recorded = TimelineEvent(
        kind=EventKind.GITHUB_ISSUE_CLOSED,
        at=at,
        actor=actor,
        text=f"GitHub issue #{number} closed by @{by}",
        data={"number": number},
    )
    needs_postmortem = plan.level(incident.severity).postmortem_due_after is not None
    if incident.phase.is_open and not needs_postmortem:
        resolved = commands.resolve(
            incident, summary=f"issue #{number} closed on GitHub", at=at, by=actor, plan=plan
        )
        return ClosedOnGithub(replace(resolved, events=(recorded, *resolved.events)))
    if not incident.phase.is_open and postmortem_done:
        closed = commands.close(incident, at=at, by=actor)
        return ClosedOnGithub(replace(closed, events=(recorded, *closed.events)))
    if incident.phase.is_open:
        refusal = (
            f"This is a {incident.severity.value} incident: it stays open in tocsin until it is "
            "resolved and its post-mortem is complete (the plan requires one for this severity). "
            "Resolve it in tocsin when service is restored; closing this issue then closes the incident."
        )
    else:
        refusal = (
            f"This is a {incident.severity.value} incident: it stays open until its post-mortem is "
            "complete (the plan requires one within its deadline), or an admin waives it with a "
            "reason. Complete the post-mortem in tocsin, then close this issue again."
        )
    return ClosedOnGithub(Change(incident, events=(recorded,)), refusal=refusal)


def comment_from_github(incident: Incident, *, number: int, by: str, text: str, at: datetime) -> Change:
    """A comment written on the issue, imported to the timeline."""
    cleaned = text.strip()[: commands.MAX_TEXT] or "(empty comment)"
    event = TimelineEvent(
        kind=EventKind.GITHUB_COMMENT,
        at=at,
        actor=f"github:{by}",
        text=f"Comment on GitHub issue #{number} by @{by}: {cleaned}",
        data={"number": number},
    )
    return Change(incident, events=(event,))
