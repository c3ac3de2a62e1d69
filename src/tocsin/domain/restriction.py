"""Restricted (security) incidents: who may see their details, and what the others see.

A security incident's details — title, summary, impact, alerts, timeline, post-mortem,
evidence, breach record — are for the ``security`` role and admins. Everyone else sees
"Restricted incident #N (P0)" with its phase and its response-time clock, nothing more. A route
about a restricted incident's details answers 404 to those who may not see them, so that an
error never tells more than the listing does. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import NotFound
from tocsin.domain.impact import Impact
from tocsin.domain.incident import Incident

CLEARANCE = Role.SECURITY
"""The least role that sees a restricted incident's details."""


def restricted_title(incident: Incident) -> str:
    return f"Restricted incident #{incident.id} ({incident.severity.value})"


def may_see(role: Role, incident: Incident) -> bool:
    """Whether ``role`` sees ``incident``'s details."""
    return not incident.security or role.allows(CLEARANCE)


def redact(incident: Incident) -> Incident:
    """What someone without clearance sees: the id, severity, phase and clock; no words."""
    if not incident.security:
        return incident
    return replace(
        incident,
        title=restricted_title(incident),
        summary="",
        source="restricted",
        declared_by="",
        acknowledged_by=None if incident.acknowledged_by is None else "",
        impact=Impact(),
        redacted=True,
    )


def view(actor: Actor, incident: Incident) -> Incident:
    """``incident`` as ``actor`` may see it (redacted without clearance)."""
    return incident if may_see(actor.role, incident) else redact(incident)


def require_clearance(actor: Actor, incident: Incident) -> None:
    """Refuse a restricted incident's details as if they did not exist (404)."""
    if not may_see(actor.role, incident):
        raise NotFound(f"incident {incident.id} not found")
