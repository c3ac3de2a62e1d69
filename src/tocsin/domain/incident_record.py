"""What responders record on an incident without touching its response clock: its title, the
triage answers (impact) and notes. Pure, like ``incident``'s commands: each returns a ``Change``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tocsin.domain import lifecycle
from tocsin.domain.errors import InvalidInput
from tocsin.domain.events import Change, EventKind, TimelineEvent, timeline_event
from tocsin.domain.impact import MAX_USERS, Impact
from tocsin.domain.incident import Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.note import NoteKind
from tocsin.domain.text import clean_text, clean_title, require_aware


def rename(incident: Incident, title: str, *, at: datetime, by: str) -> Change:
    require_aware(at)
    lifecycle.require("rename", incident.phase)
    cleaned = clean_title(title)
    if cleaned == incident.title:
        return Change(incident)
    event = timeline_event(
        EventKind.RENAMED, at, by, f"Title changed to “{cleaned}”", old=incident.title, new=cleaned
    )
    return Change(replace(incident, title=cleaned), events=(event,))


def assess_impact(incident: Incident, impact: Impact, *, at: datetime, by: str) -> Change:
    """Record the triage answers; assessing during triage moves the incident to resolution.

    An answer names what is down (features or components) or a security/data risk; an empty
    assessment is refused, so "triage done" always means something was assessed.

    A security risk marks the incident as a security incident (the plan's special procedure).
    """
    require_aware(at)
    lifecycle.require("assess impact", incident.phase)
    if impact.users_affected is not None and not 0 <= impact.users_affected <= MAX_USERS:
        raise InvalidInput(f"users_affected: a number from 0 to {MAX_USERS:,}")
    if not (impact.features_down or impact.components_down or impact.security_risk or impact.data_risk):
        raise InvalidInput(
            "features_down: name the features or components (components_down) that are down, or flag"
            " a security or data risk: triage needs a real answer to move on"
        )
    assessed = replace(impact, assessed_at=at)
    changed = replace(incident, impact=assessed, security=incident.security or impact.security_risk)
    events = [timeline_event(EventKind.IMPACT_ASSESSED, at, by, f"Impact assessed: {assessed.describe()}")]
    if impact.security_risk and not incident.security:
        events.append(
            timeline_event(
                EventKind.NOTE, at, by, "Marked as a security incident: the security procedure applies"
            )
        )
    if incident.phase is Phase.TRIAGE:
        changed = replace(changed, phase=Phase.RESOLUTION)
        events.append(_phase_event(Phase.TRIAGE, Phase.RESOLUTION, at, by))
    return Change(changed, events=tuple(events))


def _phase_event(old: Phase, new: Phase, at: datetime, by: str) -> TimelineEvent:
    return timeline_event(
        EventKind.PHASE_CHANGED, at, by, f"Phase {old.value} → {new.value}", old=old.value, new=new.value
    )


def add_note(incident: Incident, text: str, *, kind: NoteKind | None = None, at: datetime, by: str) -> Change:
    """A note on the timeline; a typed note reads as the Incident Report writes it
    ("Root cause identified: …", "Mitigation: …")."""
    require_aware(at)
    lifecycle.require("add note", incident.phase)
    cleaned = clean_text("text", text)
    if kind is None:
        return Change(incident, events=(timeline_event(EventKind.NOTE, at, by, cleaned),))
    data = {"kind": kind.value, "note": cleaned}
    event = TimelineEvent(kind=EventKind.NOTE, at=at, actor=by, text=f"{kind.label}: {cleaned}", data=data)
    return Change(incident, events=(event,))
