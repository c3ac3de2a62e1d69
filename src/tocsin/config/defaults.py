"""The plan's own values: what ``tocsin.yaml`` means when it says nothing.

Taken from the incident response plan v1.0.0 (``/plan/incident-response-plan.md``):

* the severity table (name, impact, examples, response time) word for word;
* Phase 2 escalation: P0 → Lead Engineer + CTO, P1 → astreinte SRE, P2/P3 → équipe dev;
* Phase 2 communication: the public status page for P0/P1, and "Email utilisateurs si
  prolongé (> 1h)". That second bullet sits next to the P0/P1 one without naming a severity.
  tocsin reads it as P0/P1 only: P2 and P3 allow 4 h and 24 h just to respond, so a 1 h rule
  for them would email users about nearly every latency blip and typo, which the plan calls
  "Problème mineur". Each severity's ``customer_email_after`` can change this;
* Phase 4: post-mortem mandatory for P0/P1 within 48 h of resolution;
* security incidents: GDPR notification to the CNIL within 72 h.

Only the mapping sections (severities and the people directory) live here: the scalar sections
(server, database, …) carry their defaults on the model fields.
"""

from __future__ import annotations

import copy
from typing import Any

GDPR_AUTHORITIES: dict[str, str] = {
    "CNIL": "Commission nationale de l'informatique et des libertés",
    "APD": "Autorité de protection des données / Gegevensbeschermingsautoriteit",
    "GBA": "Gegevensbeschermingsautoriteit / Autorité de protection des données",
    "CNPD": "Commission nationale pour la protection des données",
    "AP": "Autoriteit Persoonsgegevens",
    "ICO": "Information Commissioner's Office",
}
"""Supervisory authorities tocsin can name without help; any other needs ``authority_name``."""


def _level(
    name: str,
    impact: str,
    examples: list[str],
    response_time: str,
    escalate_to: list[str],
    *,
    urgent: bool,
) -> dict[str, Any]:
    return {
        "name": name,
        "impact": impact,
        "examples": examples,
        "response_time": response_time,
        "escalate_to": escalate_to,
        "status_page": urgent,
        "customer_email_after": "1h" if urgent else None,
        "postmortem_due_after": "48h" if urgent else None,
    }


_PLAN: dict[str, Any] = {
    "severities": {
        "P0": _level(
            "Critical",
            "Service down pour tous",
            ["API down", "DB corruption", "security breach"],
            "15m",
            ["role:lead_engineer", "role:cto"],
            urgent=True,
        ),
        "P1": _level(
            "High",
            "Fonctionnalité majeure down",
            ["Login fail", "paiements bloqués"],
            "1h",
            ["schedule:sre_oncall"],
            urgent=True,
        ),
        "P2": _level(
            "Medium",
            "Dégradation performance",
            ["Latence élevée", "bugs non-bloquants"],
            "4h",
            ["team:dev"],
            urgent=False,
        ),
        "P3": _level("Low", "Problème mineur", ["Typo", "UI glitch"], "24h", ["team:dev"], urgent=False),
    },
    "people": {},
    "roles": {
        "lead_engineer": {"name": "Lead Engineer", "members": []},
        "cto": {"name": "CTO", "members": []},
    },
    "teams": {"dev": {"name": "Équipe dev", "members": []}},
    "schedules": {
        "sre_oncall": {
            "name": "Astreinte SRE",
            "timezone": "UTC",
            "rotation": "weekly",
            "handoff_day": "monday",
            "handoff": "09:00",
            "participants": [],
        }
    },
    # Phase 2 "Escalader": step 1 is each severity's escalate_to (a step without targets);
    # P1 then goes to the Lead Engineer when the SRE on call has not acknowledged in time.
    "escalation": {
        "P0": {"steps": [{}], "repeat": 0},
        "P1": {"steps": [{}, {"targets": ["role:lead_engineer"]}], "repeat": 0},
        "P2": {"steps": [{}], "repeat": 0},
        "P3": {"steps": [{}], "repeat": 0},
    },
}


def plan_defaults() -> dict[str, Any]:
    """A fresh copy of the plan's mapping sections, safe for the caller to modify."""
    return copy.deepcopy(_PLAN)
