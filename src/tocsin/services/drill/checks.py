"""What a drill asks of each configured integration, read from the database the worker writes:
did Slack take the card, GitHub open the issue, each notification channel (the SMTP server for
e-mail) accept every message, and did the status page keep its draft private?"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.drill.context import DrillContext
from tocsin.services.ports import UnitOfWork

Probe = Callable[[UnitOfWork], str | None]
"""Reads the answer: a short description once the integration answered, else ``None``."""


@dataclass(frozen=True, slots=True)
class Expectation:
    integration: str
    question: str
    probe: Probe


@dataclass(frozen=True, slots=True)
class Check:
    """One integration's verdict. ``after``: seconds from the alert to its first answer;
    ``expected`` is false for one the configuration leaves out (it counts as fine)."""

    integration: str
    question: str
    answered: bool
    detail: str
    after: float | None = None
    expected: bool = True


def _slack(incident_id: IncidentId) -> Probe:
    def probe(uow: UnitOfWork) -> str | None:
        posted = uow.slack_messages.get(incident_id)
        return f"card posted in {posted.channel} (ts {posted.ts})" if posted else None

    return probe


def _github(incident_id: IncidentId) -> Probe:
    def probe(uow: UnitOfWork) -> str | None:
        link = uow.github.link(incident_id)
        return f"issue {link.repository}#{link.number} opened" if link else None

    return probe


def _channel(incident_id: IncidentId, channel: str) -> Probe:
    def probe(uow: UnitOfWork) -> str | None:
        mine = [d for d in uow.deliveries.list(incident_id) if d.channel == channel]
        if not mine or any(d.sent_at is None for d in mine):
            return None
        people = sorted({d.recipient for d in mine})
        return f"{len(mine)} message(s) accepted, to {', '.join(people)}"

    return probe


def _status_draft(incident_id: IncidentId) -> Probe:
    def probe(uow: UnitOfWork) -> str | None:
        public = uow.statuspage.get_public(incident_id)
        if public is None or public.published:
            return None
        return f"draft “{public.name}” kept private"

    return probe


_QUESTIONS = {
    "email": "e-mail accepted by SMTP?",
    "console": "pages printed on the console?",
    "webhook": "outbound webhooks answered?",
    "sms": "SMS accepted by Twilio?",
    "voice": "call placed by Twilio?",
    "push": "push accepted by ntfy?",
}


def expectations(svc: DrillContext, uow: UnitOfWork, incident: Incident) -> list[Expectation]:
    """What the configuration promises for this incident, read right after it opened (its
    pages are recorded in the same transaction as the incident)."""
    found = []
    if svc.slack is not None and incident.severity in svc.slack.announce:
        found.append(Expectation("slack", "Slack posted?", _slack(incident.id)))
    if svc.github is not None and incident.severity in svc.github.open_for:
        found.append(Expectation("github", "GitHub issue opened?", _github(incident.id)))
    channels = dict.fromkeys(d.channel for d in uow.deliveries.list(incident.id))
    for channel in channels:
        question = _QUESTIONS.get(channel, f"{channel} answered?")
        found.append(Expectation(channel, question, _channel(incident.id, channel)))
    if svc.statuspage.enabled and svc.plan.level(incident.severity).status_page:
        found.append(Expectation("statuspage", "status page draft kept private?", _status_draft(incident.id)))
    return found


def skipped(svc: DrillContext, incident: Incident, expected: list[Expectation]) -> list[Check]:
    """Integrations the configuration leaves out for this drill, said so (they count as fine)."""
    named = {e.integration for e in expected}
    notes = []
    if "slack" not in named:
        why = "not configured" if svc.slack is None else f"{incident.severity.value} is not announced"
        notes.append(Check("slack", "Slack posted?", False, f"skipped: {why}", expected=False))
    if "github" not in named:
        why = "not configured" if svc.github is None else f"no issue for {incident.severity.value}"
        notes.append(Check("github", "GitHub issue opened?", False, f"skipped: {why}", expected=False))
    if "email" not in named:
        why = "not configured" if "email" not in svc.paging.channels else "nobody paged by e-mail"
        notes.append(Check("email", _QUESTIONS["email"], False, f"skipped: {why}", expected=False))
    return notes
