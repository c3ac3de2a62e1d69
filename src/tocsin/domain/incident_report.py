"""The plan's Incident Report template, filled in from an incident, its timeline and its
post-mortem. Pure: the time zone is a parameter.

The template's sections come first and word for word (``# Incident Report - YYYY-MM-DD``,
``**Severity**``, ``**Duration**: HH:MM start → HH:MM resolved``, ``**Impact**``,
``## Timeline`` of ``- HH:MM - event`` lines, ``## Root Cause``, ``## Action Items`` with
``- [ ]``/``- [x]``); the 5 Whys, runbooks and the post-mortem's own facts follow them.

The timeline is **curated**: the first alert (at its ``startsAt``), acknowledgement, severity
changes, impact, status page updates, notes (typed notes read "Root cause identified: …",
"Mitigation: …"), checklist ticks, resolution; paging ("Told X by console", escalation steps), repeated alerts
and bookkeeping stay out. The post-mortem's edits hide, reword or add entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident
from tocsin.domain.postmortem import PostMortem, Status

KEPT = frozenset(
    {
        EventKind.DECLARED,
        EventKind.ACKNOWLEDGED,
        EventKind.SEVERITY_CHANGED,
        EventKind.IMPACT_ASSESSED,
        EventKind.NOTE,
        EventKind.RESOLVED,
        EventKind.REOPENED,
        EventKind.SLA_BREACHED,
        EventKind.SECURITY_MARKED,
        EventKind.SECURITY_UNMARKED,
        EventKind.ALERT_FIRED,
        EventKind.ALERTS_CLEARED,
        EventKind.STATUS_POSTED,
        EventKind.CUSTOMER_EMAIL,
        EventKind.GITHUB_COMMENT,
        EventKind.CHECKLIST,
    }
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the curated timeline. ``key`` names it for edits (``event:<id>`` or
    ``added:<n>``); ``original`` is the text before any rewording."""

    key: str
    at: datetime
    text: str
    hidden: bool = False
    original: str = ""
    added: bool = False


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _same_minute(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 60


def _alert_entry(event: TimelineEvent) -> tuple[datetime, str]:
    starts = _parse(event.data.get("starts_at")) or event.at
    summary = event.data.get("summary") or event.data.get("name")
    text = f"Alert fired: {summary}" if isinstance(summary, str) and summary else event.text
    return starts, text


def _resolved_text(event: TimelineEvent) -> str:
    summary = event.data.get("summary")
    return f"Resolved: {summary}" if isinstance(summary, str) and summary else "Resolved"


def _text_of(event: TimelineEvent) -> str:
    if event.kind is EventKind.ACKNOWLEDGED:
        return "Incident acknowledged"
    if event.kind is EventKind.RESOLVED:
        return _resolved_text(event)
    if event.kind is EventKind.DECLARED:
        return f"Incident declared ({event.data.get('severity', '')})".replace(" ()", "")
    if event.kind is EventKind.GITHUB_COMMENT:
        return f"Comment by {event.actor}: {event.text}"
    return event.text


def _automatic(events: Sequence[tuple[int, TimelineEvent]]) -> list[Entry]:
    entries: list[Entry] = []
    first_alert: datetime | None = None
    declared: tuple[int, TimelineEvent] | None = None
    for ident, event in events:
        if event.kind not in KEPT:
            continue
        if event.kind is EventKind.ALERT_FIRED:
            if first_alert is not None:
                continue  # the first alert starts the story; the rest are in the alerts list
            first_alert, text = _alert_entry(event)
            entries.append(Entry(f"event:{ident}", first_alert, text, original=text))
            continue
        if event.kind is EventKind.DECLARED:
            declared = declared or (ident, event)
            continue
        text = _text_of(event)
        entries.append(Entry(f"event:{ident}", event.at, text, original=text))
    if declared is not None:
        ident, event = declared
        if first_alert is None or not _same_minute(first_alert, event.at):
            text = _text_of(event) if first_alert is None else "Alert received: incident opened"
            entries.append(Entry(f"event:{ident}", event.at, text, original=text))
    return entries


def curate(events: Sequence[tuple[int, TimelineEvent]], pm: PostMortem | None) -> list[Entry]:
    """The report's timeline from the incident's stored events ``(id, event)``, in time order,
    with the post-mortem's edits applied (hidden entries are kept, flagged, for the editor)."""
    entries = _automatic(events)
    if pm is not None:
        edits = pm.timeline
        entries = [
            Entry(e.key, e.at, edits.text_for(e.key, e.text), e.key in edits.hidden, e.original)
            for e in entries
        ]
        entries += [
            Entry(f"added:{n}", added.at, added.text, f"added:{n}" in edits.hidden, added.text, added=True)
            for n, added in enumerate(edits.added)
        ]
    return sorted(entries, key=lambda e: e.at)


def _clock(at: datetime, tz: tzinfo, day: str) -> str:
    local = at.astimezone(tz)
    return local.strftime("%H:%M") if local.strftime("%Y-%m-%d") == day else local.strftime("%Y-%m-%d %H:%M")


def _zone_name(tz: tzinfo, at: datetime) -> str:
    return str(getattr(tz, "key", "") or tz.tzname(at) or "UTC")


def report_start(incident: Incident, entries: Sequence[Entry]) -> datetime:
    """When the incident began: its first alert's ``startsAt`` if earlier than detection."""
    return min([incident.detected_at, *(e.at for e in entries if e.key.startswith("event:"))])


def render(incident: Incident, pm: PostMortem | None, entries: Sequence[Entry], tz: tzinfo) -> str:
    """The Incident Report as Markdown, the plan's template first."""
    start = report_start(incident, entries)
    day = start.astimezone(tz).strftime("%Y-%m-%d")
    end = (
        f"{_clock(incident.resolved_at, tz, day)} resolved" if incident.resolved_at is not None else "ongoing"
    )
    zone = _zone_name(tz, start)
    duration = f"{_clock(start, tz, day)} start → {end}" + ("" if zone == "UTC" else f" ({zone})")
    impact = (pm.impact if pm is not None else "") or (
        incident.impact.describe() if incident.impact.assessed_at else "not assessed"
    )
    lines = [
        f"# Incident Report - {day}" + (" [DRILL]" if incident.drill else ""),
        f"**Severity**: {incident.severity.value}",
        f"**Duration**: {duration}",
        f"**Impact**: {_one_line(impact)}",
        "## Timeline",
        *(f"- {_clock(e.at, tz, day)} - {_one_line(e.text)}" for e in entries if not e.hidden),
        "## Root Cause",
        (pm.root_cause if pm is not None and pm.root_cause else "Not identified yet."),
        "## Action Items",
        *_action_lines(pm),
    ]
    lines += _after_template(incident, pm, tz)
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _action_lines(pm: PostMortem | None) -> list[str]:
    if pm is None or not pm.action_items:
        return ["None yet."]
    lines = []
    for item in pm.action_items:
        extra = [part for part in (item.owner, item.due_on and f"due {item.due_on.isoformat()}") if part]
        issue = f" (#{item.github_issue})" if item.github_issue else ""
        suffix = f" — {', '.join(str(p) for p in extra)}" if extra else ""
        lines.append(f"- [{'x' if item.done else ' '}] {_one_line(item.title)}{suffix}{issue}")
    return lines


def _after_template(incident: Incident, pm: PostMortem | None, tz: tzinfo) -> list[str]:
    if pm is None:
        return []
    lines: list[str] = []
    if pm.whys:
        lines.append("## 5 Whys")
        lines += [f"{n}. {_one_line(w.why)} → {_one_line(w.because)}" for n, w in enumerate(pm.whys, 1)]
        titles = {item.id: item.title for item in pm.action_items}
        linked = [_one_line(titles[i]) for i in pm.why_actions if i in titles]
        if linked:
            lines.append(f"Leads to: {'; '.join(linked)}")
    if pm.runbooks:
        lines.append("## Runbooks")
        lines += [f"- [{'x' if r.done else ' '}] [{r.title or r.url}]({r.url})" for r in pm.runbooks]
    lines.append("## Post-mortem")
    state = {
        Status.DRAFT: "draft",
        Status.COMPLETE: f"complete ({_stamp(pm.completed_at, tz)} by {pm.completed_by})",
        Status.WAIVED: f"waived ({_stamp(pm.completed_at, tz)} by {pm.completed_by}: {pm.waived_reason})",
    }[pm.status]
    lines.append(f"- Incident: #{incident.id} {incident.title}" + (" (a drill)" if incident.drill else ""))
    lines.append(f"- Status: {state}")
    if pm.owner:
        lines.append(f"- Owner: {pm.owner}")
    if pm.due_at is not None:
        lines.append(f"- Due: {_stamp(pm.due_at, tz)}")
    if pm.meeting_at is not None:
        lines.append(f"- Meeting: {_stamp(pm.meeting_at, tz)}")
    if pm.attendees:
        lines.append(f"- Attendees: {', '.join(pm.attendees)}")
    if pm.summary:
        lines += ["## Summary", pm.summary]
    return lines


def _stamp(at: datetime | None, tz: tzinfo) -> str:
    if at is None:
        return ""
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {_zone_name(tz, local)}"
