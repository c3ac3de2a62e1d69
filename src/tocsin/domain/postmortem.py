"""The plan's Phase 4 (< 48 h): the post-mortem document and the obligation it carries. Pure.

Resolving an incident whose severity requires a post-mortem (P0/P1 in the plan) opens one,
due at resolution + the severity's ``postmortem_within``; until it is **complete** (root cause,
at least one action item, a 5 Whys chain whose last step names an action item) or **waived**
by an admin with a reason, the incident cannot be closed. P2/P3 may have one too (optional).

The document holds what people write: summary, impact, root cause, the 5 Whys, action items,
runbooks to update, the meeting, and edits to the timeline. The timeline itself is curated
from the incident's events when it is read (``domain.incident_report.curate``), so a note typed
after the post-mortem opened still appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from tocsin.domain.errors import Conflict, InvalidInput, InvalidTransition
from tocsin.domain.text import refuse_nul, require_aware

MAX_FIELD = 20_000
MAX_LINE = 500
MAX_ITEMS = 50
REMINDERS_BEFORE = (timedelta(hours=24), timedelta(hours=4))


class Status(StrEnum):
    DRAFT = "draft"
    COMPLETE = "complete"
    WAIVED = "waived"

    @property
    def done(self) -> bool:
        """Complete or waived: the incident may be closed."""
        return self is not Status.DRAFT


@dataclass(frozen=True, slots=True)
class Why:
    why: str
    because: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int
    title: str
    owner: str = ""
    due_on: date | None = None
    done: bool = False
    github_issue: int | None = None


@dataclass(frozen=True, slots=True)
class RunbookUpdate:
    url: str
    title: str = ""
    done: bool = False


@dataclass(frozen=True, slots=True)
class AddedEntry:
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class TimelineEdits:
    """Changes to the curated timeline: entries hidden or reworded (by key), entries added."""

    hidden: frozenset[str] = frozenset()
    reworded: tuple[tuple[str, str], ...] = ()
    added: tuple[AddedEntry, ...] = ()

    def text_for(self, key: str, default: str) -> str:
        return dict(self.reworded).get(key, default)


@dataclass(frozen=True, slots=True)
class PostMortem:
    incident_id: int
    required: bool
    owner: str
    opened_at: datetime
    due_at: datetime | None
    status: Status = Status.DRAFT
    summary: str = ""
    impact: str = ""
    root_cause: str = ""
    whys: tuple[Why, ...] = ()
    why_actions: tuple[int, ...] = ()  # the action items the last "because" leads to
    action_items: tuple[ActionItem, ...] = ()
    runbooks: tuple[RunbookUpdate, ...] = ()
    timeline: TimelineEdits = field(default_factory=TimelineEdits)
    meeting_at: datetime | None = None
    attendees: tuple[str, ...] = ()
    completed_at: datetime | None = None
    completed_by: str = ""
    waived_reason: str = ""

    def overdue(self, at: datetime) -> bool:
        return self.status is Status.DRAFT and self.due_at is not None and at > self.due_at

    def missing(self) -> list[str]:
        """What completing still needs, in the words a person reads (empty: ready)."""
        missing = []
        if not self.root_cause.strip():
            missing.append("a root cause")
        if not self.action_items:
            missing.append("at least one action item")
        if not self.whys:
            missing.append("a 5 Whys chain (at least one why → because)")
        elif not self.why_actions:
            missing.append("the action item(s) the last “because” leads to")
        return missing


def open_postmortem(
    incident_id: int, *, owner: str, impact: str, resolved_at: datetime, within: timedelta | None
) -> PostMortem:
    """The post-mortem a resolution opens: required (with a deadline) when ``within`` is set."""
    require_aware(resolved_at)
    return PostMortem(
        incident_id=incident_id,
        required=within is not None,
        owner=owner,
        opened_at=resolved_at,
        due_at=resolved_at + within if within is not None else None,
        impact=impact,
    )


def rearm(pm: PostMortem, *, resolved_at: datetime, within: timedelta | None) -> PostMortem:
    """Resolved again after a reopen (or with another severity): a draft gets the new deadline.
    A complete or waived post-mortem keeps its state."""
    if pm.status.done:
        return pm
    return replace(
        pm, required=within is not None, due_at=resolved_at + within if within is not None else None
    )


def reminder_times(pm: PostMortem) -> list[tuple[str, datetime]]:
    """``(which, when)`` for the reminders of a draft with a deadline: 24 h and 4 h before, and
    when overdue. Reminders are fenced by the deadline they were armed for."""
    if pm.due_at is None or pm.status.done:
        return []
    times = [(f"{int(before.total_seconds() // 3600)}h", pm.due_at - before) for before in REMINDERS_BEFORE]
    return [*times, ("overdue", pm.due_at)]


def reminder_key(incident_id: int, due_at: datetime, which: str) -> str:
    return f"postmortem-reminder:{incident_id}:{due_at.isoformat()}:{which}"


def clean_field(name: str, value: str, limit: int = MAX_FIELD, *, required: bool = False) -> str:
    cleaned = refuse_nul(name, value).strip()
    if required and not cleaned:
        raise InvalidInput(f"{name}: must not be empty")
    if len(cleaned) > limit:
        raise InvalidInput(f"{name}: at most {limit} characters (got {len(cleaned)})")
    return cleaned


def _count(name: str, items: tuple[object, ...]) -> None:
    if len(items) > MAX_ITEMS:
        raise InvalidInput(f"{name}: at most {MAX_ITEMS} entries (got {len(items)})")


def clean_whys(whys: tuple[Why, ...]) -> tuple[Why, ...]:
    _count("whys", whys)
    return tuple(
        Why(
            why=clean_field(f"whys[{i}].why", w.why, MAX_LINE * 2, required=True),
            because=clean_field(f"whys[{i}].because", w.because, MAX_LINE * 2, required=True),
        )
        for i, w in enumerate(whys)
    )


def clean_actions(
    items: tuple[ActionItem, ...], *, previous: tuple[ActionItem, ...], today: date, known_owner: set[str]
) -> tuple[ActionItem, ...]:
    """Validate action items; new ones (id 0) get the next id. A due date in the past is refused
    for a new item or a changed date, so an old item is not blocked by time passing."""
    _count("action_items", items)
    before = {item.id: item for item in previous}
    next_id = max([0, *before]) + 1
    cleaned = []
    for i, item in enumerate(items):
        title = clean_field(f"action_items[{i}].title", item.title, MAX_LINE, required=True)
        owner = refuse_nul(f"action_items[{i}].owner", item.owner).strip()
        if owner and owner not in known_owner:
            raise InvalidInput(f"action_items[{i}].owner: {owner!r} is not a known person or user")
        old = before.get(item.id)
        if item.id and old is None:
            raise InvalidInput(f"action_items[{i}].id: no action item {item.id} in this post-mortem")
        date_changed = old is None or old.due_on != item.due_on
        if item.due_on is not None and date_changed and item.due_on < today:
            raise InvalidInput(f"action_items[{i}].due_on: {item.due_on.isoformat()} is in the past")
        ident = item.id or next_id
        if not item.id:
            next_id += 1
        github = old.github_issue if old is not None else None
        cleaned.append(replace(item, id=ident, title=title, owner=owner, github_issue=github))
    return tuple(cleaned)


def clean_runbooks(runbooks: tuple[RunbookUpdate, ...]) -> tuple[RunbookUpdate, ...]:
    _count("runbooks", runbooks)
    cleaned = []
    for i, runbook in enumerate(runbooks):
        url = clean_field(f"runbooks[{i}].url", runbook.url, 2000, required=True)
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise InvalidInput(f"runbooks[{i}].url: an http(s) link is needed (got {url[:80]!r})")
        cleaned.append(
            replace(runbook, url=url, title=clean_field(f"runbooks[{i}].title", runbook.title, MAX_LINE))
        )
    return tuple(cleaned)


def clean_why_actions(why_actions: tuple[int, ...], items: tuple[ActionItem, ...]) -> tuple[int, ...]:
    ids = {item.id for item in items}
    for ident in why_actions:
        if ident not in ids:
            raise InvalidInput(f"why_actions: no action item {ident} in this post-mortem")
    return tuple(dict.fromkeys(why_actions))


def clean_timeline(edits: TimelineEdits) -> TimelineEdits:
    _count("timeline.added", edits.added)
    for entry in edits.added:
        require_aware(entry.at)
    added = tuple(
        replace(e, text=clean_field(f"timeline.added[{i}].text", e.text, MAX_LINE, required=True))
        for i, e in enumerate(edits.added)
    )
    reworded = tuple(
        (key, clean_field(f"timeline.reworded[{key}]", text, MAX_LINE, required=True))
        for key, text in edits.reworded
    )
    for key in edits.hidden:
        refuse_nul("timeline.hidden", key)
    return TimelineEdits(hidden=edits.hidden, reworded=reworded, added=added)


def require_draft(pm: PostMortem, action: str) -> None:
    if pm.status.done:
        raise InvalidTransition(f"cannot {action}: the post-mortem is {pm.status.value} (reopen it first)")


def complete(pm: PostMortem, *, at: datetime, by: str) -> PostMortem:
    require_aware(at)
    require_draft(pm, "complete the post-mortem")
    missing = pm.missing()
    if missing:
        raise InvalidInput("post-mortem: cannot complete without " + ", ".join(missing))
    return replace(pm, status=Status.COMPLETE, completed_at=at, completed_by=by, waived_reason="")


def waive(pm: PostMortem, *, reason: str, at: datetime, by: str) -> PostMortem:
    require_aware(at)
    require_draft(pm, "waive the post-mortem")
    cleaned = clean_field("reason", reason, MAX_LINE, required=True)
    return replace(pm, status=Status.WAIVED, completed_at=at, completed_by=by, waived_reason=cleaned)


def reopen(pm: PostMortem) -> PostMortem:
    if not pm.status.done:
        raise InvalidTransition("cannot reopen the post-mortem: it is still a draft")
    return replace(pm, status=Status.DRAFT, completed_at=None, completed_by="", waived_reason="")


def require_closable(pm: PostMortem | None, *, required: bool, incident_id: int, severity: str) -> None:
    """Raise ``Conflict`` naming what is missing when the plan's post-mortem blocks closing."""
    if pm is not None and pm.status.done:
        return
    if pm is None and not required:
        return
    if pm is not None and not pm.required and not required:
        return
    due = f" (due {pm.due_at:%Y-%m-%d %H:%M} UTC)" if pm is not None and pm.due_at else ""
    raise Conflict(
        f"post-mortem: incident #{incident_id} ({severity}) cannot be closed until its post-mortem"
        f" is complete{due}, or an admin waives it with a reason"
    )
