"""The incident lifecycle, following the plan's phases.

    detection ──ack──▶ triage ──impact assessed──▶ resolution
        │                 │                           │
        └──────────resolve┴───────────────────────────┴──▶ post_incident ──close──▶ closed
                                                              ▲    │                   │
                                          reopen ◀────────────┴────┴───────────────────┘

Detection is "alert received, nobody on it yet" (the response clock runs). Acknowledging
starts triage; assessing impact during triage moves to resolution. Resolving moves to
post-incident (the plan's Phase 4: post-mortem, documentation); closing ends it. Reopening a
resolved or closed incident puts it back in resolution (or detection if nobody ever
acknowledged it).
"""

from __future__ import annotations

from enum import StrEnum

from tocsin.domain.errors import InvalidTransition


class Phase(StrEnum):
    DETECTION = "detection"
    TRIAGE = "triage"
    RESOLUTION = "resolution"
    POST_INCIDENT = "post_incident"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Open means somebody still has to act to restore service."""
        return self in _OPEN


_OPEN = frozenset({Phase.DETECTION, Phase.TRIAGE, Phase.RESOLUTION})

# command -> the phases in which it is allowed
ALLOWED: dict[str, frozenset[Phase]] = {
    "acknowledge": frozenset({Phase.DETECTION}),
    "set severity": _OPEN | {Phase.POST_INCIDENT},
    "assess impact": _OPEN,
    "add note": frozenset(Phase),
    "rename": _OPEN | {Phase.POST_INCIDENT},
    "resolve": _OPEN,
    "reopen": frozenset({Phase.POST_INCIDENT, Phase.CLOSED}),
    "close": frozenset({Phase.POST_INCIDENT}),
}


def require(command: str, phase: Phase) -> None:
    """Raise ``InvalidTransition`` naming the current phase unless ``command`` is allowed in it."""
    allowed = ALLOWED[command]
    if phase not in allowed:
        raise InvalidTransition(
            f"cannot {command} an incident in phase {phase.value!r}"
            f" (allowed in: {', '.join(sorted(p.value for p in allowed))})"
        )
