"""Ticking the plan's checklists: a tick is a timeline event (who, when, what was done), and an
item's state is its last tick. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from tocsin.domain.checklist import ITEMS, Item, Tick
from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.text import refuse_nul, require_aware

MAX_NOTE = 1000


def item(key: str, items: Mapping[str, Item] = ITEMS) -> Item:
    found = items.get(key.strip())
    if found is None:
        raise InvalidInput(f"item: no checklist line {key[:20]!r} (keys look like 3.2.1; see the checklist)")
    return found


def tick(
    incident: Incident,
    key: str,
    *,
    done: bool,
    note: str = "",
    at: datetime,
    by: str,
    automatic: bool = False,
    items: Mapping[str, Item] = ITEMS,
) -> Change:
    """Tick (or untick) one line; a closed incident's checklist is its record and stays as is."""
    require_aware(at)
    line = item(key, items)
    if incident.phase is Phase.CLOSED:
        raise InvalidTransition("cannot tick the checklist of a closed incident (reopen it first)")
    note = refuse_nul("note", note).strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"note: at most {MAX_NOTE} characters (got {len(note)})")
    verb = "Checked" if done else "Unchecked"
    text = f"{verb} {line.key}: {line.text}" + (f" — {note}" if note else "")
    data = {"item": line.key, "done": done, "note": note, "automatic": automatic}
    return Change(incident, events=(TimelineEvent(EventKind.CHECKLIST, at, by, text, data),))


def state(events: Iterable[TimelineEvent], items: Mapping[str, Item] = ITEMS) -> Mapping[str, Tick]:
    """The last tick of each line, from the incident's events in time order."""
    ticks: dict[str, Tick] = {}
    for event in events:
        if event.kind is not EventKind.CHECKLIST:
            continue
        key = str(event.data.get("item", ""))
        if key in items:
            ticks[key] = Tick(
                key, bool(event.data.get("done")), event.at, event.actor, str(event.data.get("note", ""))
            )
    return ticks
