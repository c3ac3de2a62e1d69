"""Flags set on an incident by hand: "this is a security incident" (and, by an admin, "it is not")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tocsin.domain.errors import InvalidInput, InvalidTransition
from tocsin.domain.events import Change, EventKind, TimelineEvent
from tocsin.domain.incident import MAX_TEXT, Incident
from tocsin.domain.lifecycle import Phase
from tocsin.domain.text import refuse_nul


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
    reason = refuse_nul("reason", reason).strip()
    if len(reason) > MAX_TEXT:
        raise InvalidInput(f"reason: at most {MAX_TEXT} characters (got {len(reason)})")
    text = "Marked as a security incident: the security procedure applies"
    if reason:
        text += f" ({reason})"
    event = TimelineEvent(kind=EventKind.SECURITY_MARKED, at=at, actor=by, text=text, data={"reason": reason})
    return Change(replace(incident, security=True), events=(event,))


def unmark_security(incident: Incident, *, reason: str, at: datetime, by: str) -> Change:
    """Lift the restriction: the incident's details become visible to every reader again (and to
    Slack and GitHub). Needs a reason, recorded on the timeline; the caller checks for an admin."""
    if at.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware UTC")
    if not incident.security:
        raise InvalidInput("security: the incident is not a security incident")
    reason = refuse_nul("reason", reason).strip()
    if not reason:
        raise InvalidInput("reason: say why the incident is not a security incident after all")
    if len(reason) > MAX_TEXT:
        raise InvalidInput(f"reason: at most {MAX_TEXT} characters (got {len(reason)})")
    text = f"No longer a security incident: details visible to every reader ({reason})"
    event = TimelineEvent(
        kind=EventKind.SECURITY_UNMARKED, at=at, actor=by, text=text, data={"reason": reason}
    )
    return Change(replace(incident, security=False), events=(event,))
