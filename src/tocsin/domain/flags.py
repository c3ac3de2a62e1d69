"""Flags a responder sets on an incident by hand (today: "this is a security incident")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import MAX_TEXT, Incident
from tocsin.domain.lifecycle import Phase


def mark_security(incident: Incident, *, reason: str = "", at: datetime, by: str) -> Change:
    """The plan's special procedure applies from now on (isolation, forensics, GDPR clock).

    Allowed until the incident is closed; marking twice is refused rather than recorded twice.
    """
    if at.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware UTC")
    if incident.phase is Phase.CLOSED:
        raise InvalidTransition("cannot mark a closed incident as a security incident: reopen it first")
    if incident.security:
        raise InvalidInput("security: the incident is already a security incident")
    reason = reason.strip()
    if len(reason) > MAX_TEXT:
        raise InvalidInput(f"reason: at most {MAX_TEXT} characters (got {len(reason)})")
    text = "Marked as a security incident: the security procedure applies"
    if reason:
        text += f" ({reason})"
    event = TimelineEvent(kind=EventKind.SECURITY_MARKED, at=at, actor=by, text=text, data={"reason": reason})
    return Change(replace(incident, security=True), events=(event,))
