"""The post-mortem page's form, written as lines a person types, parsed into a service edit.

Action items: one per line, ``#id [x] title | owner | YYYY-MM-DD`` (``#id`` keeps an existing
item, ``[x]`` marks it done; owner and date are optional). 5 Whys: ``why -> because`` per line.
Runbooks: ``[x] https://… title``. Errors name the line, so nothing is half-written.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from tocsin.domain import postmortem as domain
from tocsin.domain.errors import InvalidInput
from tocsin.services.incidents.postmortem import PostMortemView
from tocsin.services.incidents.postmortem_edit import Edit

_ITEM = re.compile(r"^(?:#(?P<id>\d{1,9})\s+)?(?:\[(?P<done>[ xX])\]\s*)?(?P<rest>.*)$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def action_lines(items: tuple[domain.ActionItem, ...]) -> str:
    out = []
    for item in items:
        parts = [item.title, item.owner, item.due_on.isoformat() if item.due_on else ""]
        while parts and not parts[-1]:
            parts.pop()
        out.append(f"#{item.id} [{'x' if item.done else ' '}] {' | '.join(parts)}")
    return "\n".join(out)


def why_lines(whys: tuple[domain.Why, ...]) -> str:
    return "\n".join(f"{w.why} -> {w.because}" for w in whys)


def runbook_lines(runbooks: tuple[domain.RunbookUpdate, ...]) -> str:
    return "\n".join(f"[{'x' if r.done else ' '}] {r.url} {r.title}".rstrip() for r in runbooks)


def _action(n: int, line: str) -> domain.ActionItem:
    match = _ITEM.match(line)
    assert match is not None  # the pattern matches any line
    title, owner, due = [*(p.strip() for p in match["rest"].split("|")), "", ""][:3]
    try:
        due_on = date.fromisoformat(due) if due else None
    except ValueError:
        raise InvalidInput(f"action items, line {n}: {due!r} is not a date (write YYYY-MM-DD)") from None
    done = (match["done"] or " ").lower() == "x"
    return domain.ActionItem(int(match["id"] or 0), title, owner, due_on, done)


def _why(n: int, line: str) -> domain.Why:
    why, arrow, because = line.replace("→", "->").partition("->")
    if not arrow:
        raise InvalidInput(f"5 Whys, line {n}: write “why -> because”")
    return domain.Why(why.strip(), because.strip())


def _runbook(line: str) -> domain.RunbookUpdate:
    match = _ITEM.match(line)
    assert match is not None
    url, _, title = match["rest"].partition(" ")
    return domain.RunbookUpdate(url, title.strip(), (match["done"] or " ").lower() == "x")


def _ids(text: str) -> tuple[int, ...]:
    parts = [p.strip().lstrip("#") for p in text.replace(",", " ").split()]
    if not all(p.isdigit() and len(p) <= 9 for p in parts):
        raise InvalidInput(f"leads to: action item numbers, e.g. “2, 3” (got {text!r})")
    return tuple(int(p) for p in parts)


def _meeting(text: str, name: str = "meeting") -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=UTC)
    except ValueError:
        raise InvalidInput(f"{name}: {text!r} is not a date and time (write YYYY-MM-DD HH:MM, UTC)") from None


def parse(form: dict[str, str]) -> Edit:
    return Edit(
        owner=form.get("owner", ""),
        summary=form.get("summary", ""),
        impact=form.get("impact", ""),
        root_cause=form.get("root_cause", ""),
        whys=tuple(_why(n, line) for n, line in enumerate(_lines(form.get("whys", "")), 1)),
        why_actions=_ids(form.get("why_actions", "")),
        action_items=tuple(
            _action(n, line) for n, line in enumerate(_lines(form.get("action_items", "")), 1)
        ),
        runbooks=tuple(_runbook(line) for line in _lines(form.get("runbooks", ""))),
        meeting_at=_meeting(form.get("meeting_at", "")),
        attendees=tuple(a.strip() for a in form.get("attendees", "").split(",") if a.strip()),
    )


def timeline_edits(
    current: PostMortemView, texts: dict[str, str], hidden: set[str], add_at: str, add_text: str
) -> domain.TimelineEdits:
    """The timeline form as edits: a text changed from the automatic one is a rewording (the
    automatic text again removes it), a ticked box hides, the last row adds an entry."""
    pm = current.postmortem
    previous = pm.timeline if pm is not None else domain.TimelineEdits()
    automatic = {e.key: e.original for e in current.timeline if not e.added}
    reworded = tuple(
        (key, text.strip())
        for key, text in texts.items()
        if key in automatic and text.strip() != automatic[key]
    )
    added = list(previous.added)
    for n, entry in enumerate(previous.added):  # an added entry's text is edited in place
        text = texts.get(f"added:{n}")
        if text is not None and text.strip():
            added[n] = domain.AddedEntry(entry.at, text.strip())
    if add_text.strip():
        when = _meeting(add_at, "timeline")
        if when is None:
            raise InvalidInput("timeline: give the time of the entry to add (YYYY-MM-DD HH:MM, UTC)")
        added.append(domain.AddedEntry(when, add_text.strip()))
    return domain.TimelineEdits(hidden=frozenset(hidden), reworded=reworded, added=tuple(added))
