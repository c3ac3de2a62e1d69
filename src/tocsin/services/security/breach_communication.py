"""The Art. 34 communication to data subjects when the risk is high: the message (prefilled from
the record, editable), the uploaded CSV of affected addresses, and the mails, sent by the SMTP
channel in batches of ``security.breach.batch_size`` (one durable job each), with each
address's delivery state (pending, sent, failed) and a summary.

A send queues every pending address; a failed address stays failed (with the server's reason)
until someone retries the failed ones. The timeline says when the mails were queued and when the
last one was done.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tocsin.domain.access import Actor
from tocsin.domain.breach import Breach
from tocsin.domain.breach_communication import (
    DeliveryState,
    Recipient,
    Summary,
    clean_message,
    parse_csv,
    require_high_risk,
    template,
)
from tocsin.domain.delivery import DeliveryFailed
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.paging.ports import Letter
from tocsin.services.ports import UnitOfWork
from tocsin.services.security.breaches import cleared
from tocsin.services.security.context import SecurityContext

log = logging.getLogger(__name__)
SYSTEM = "tocsin"
SENDER = "Data protection"
"""The From name of the Art. 34 mails when no controller is configured."""


@dataclass(frozen=True, slots=True)
class CommunicationView:
    incident: Incident
    breach: Breach
    subject: str
    body: str
    drafted: bool
    """False while the message is still the template (never saved)."""
    summary: Summary
    recipients: Sequence[Recipient]
    can_send: bool
    """An SMTP server is configured."""


def _load(uow: UnitOfWork, incident_id: IncidentId, by: Actor, action: str) -> tuple[Incident, Breach]:
    incident = uow.incidents.get(incident_id, for_update=True)
    cleared(by, incident, action)
    breach = uow.breaches.get(incident.id)
    if breach is None:
        raise NotFound(
            f"incident {incident.id} has no personal-data breach record: record the assessment first"
        )
    return incident, breach


def _message(svc: SecurityContext, breach: Breach) -> tuple[str, str, bool]:
    c = breach.communication
    if c.subject and c.body:
        return c.subject, c.body, True
    subject, body = template(breach, dpo=svc.breach.dpo_contact, controller=svc.breach.controller)
    return subject, body, False


def view(
    svc: SecurityContext,
    incident_id: IncidentId,
    *,
    by: Actor,
    state: DeliveryState | None = None,
    limit: int = 100,
    offset: int = 0,
) -> CommunicationView:
    with svc.read() as uow:
        incident = uow.incidents.get(incident_id)
        cleared(by, incident, "reading the communication to data subjects")
        breach = uow.breaches.get(incident.id)
        if breach is None:
            raise NotFound(f"incident {incident.id} has no personal-data breach record")
        summary = uow.breaches.summary(incident.id)
        found = uow.breaches.recipients(incident.id, state=state, limit=limit, offset=offset)
    subject, body, drafted = _message(svc, breach)
    return CommunicationView(
        incident, breach, subject, body, drafted, summary, found, svc.breach.mailer is not None
    )


def save_message(
    svc: SecurityContext, incident_id: IncidentId, *, subject: str, body: str, by: Actor
) -> CommunicationView:
    subject, body = clean_message(subject, body)
    with svc.uow() as uow:
        incident, breach = _load(uow, incident_id, by, "writing the communication to data subjects")
        require_high_risk(breach)
        communication = replace(breach.communication, subject=subject, body=body)
        uow.breaches.save(replace(breach, communication=communication))
        _event(
            uow,
            incident,
            svc,
            by.name,
            f"Art. 34 message to data subjects saved: {subject}",
            data={"action": "message"},
        )
        uow.commit()
    return view(svc, incident_id, by=by)


def upload(svc: Services, incident_id: IncidentId, text: str, *, by: Actor) -> tuple[int, int]:
    """Add the CSV's addresses (parsed whole first: a bad line writes nothing). Returns how many
    were in the file and how many were new."""
    parsed = parse_csv(text)
    with svc.uow() as uow:
        incident, breach = _load(uow, incident_id, by, "uploading affected addresses")
        require_high_risk(breach)
        added = uow.breaches.add_recipients(incident.id, parsed, svc.clock.now())
        text_ = f"Art. 34: {len(parsed)} affected address(es) uploaded, {added} new"
        _event(
            uow,
            incident,
            svc,
            by.name,
            text_,
            data={"action": "recipients", "count": len(parsed), "added": added},
        )
        uow.commit()
    return len(parsed), added


def send(svc: SecurityContext, incident_id: IncidentId, *, by: Actor, retry_failed: bool = False) -> Summary:
    """Queue the pending addresses (with ``retry_failed``, the failed ones first go back to
    pending) in batches, one durable job each."""
    if svc.breach.mailer is None:
        raise Conflict("no SMTP server is configured (notifications.email): the mails cannot be sent")
    with svc.uow() as uow:
        incident, breach = _load(uow, incident_id, by, "sending the communication to data subjects")
        require_high_risk(breach)
        if retry_failed:
            uow.breaches.retry_failed(incident.id)
        pending = uow.breaches.pending_ids(incident.id)
        if not pending:
            raise Conflict("no pending address: upload the CSV of affected addresses first")
        subject, body, _ = _message(svc, breach)
        rounds = breach.communication.round + 1
        uow.breaches.save(
            replace(
                breach, communication=replace(breach.communication, subject=subject, body=body, round=rounds)
            )
        )
        size = svc.breach.batch_size
        batches = [pending[i : i + size] for i in range(0, len(pending), size)]
        at = svc.clock.now()
        uow.jobs.enqueue(
            [
                JobRequest(
                    JobKind.BREACH_COMMUNICATE,
                    at,
                    {"incident_id": incident.id, "round": rounds, "ids": ids},
                    f"breach.communicate:{incident.id}:{rounds}:{n}",
                )
                for n, ids in enumerate(batches, start=1)
            ]
        )
        line = (
            f"Art. 34 communication to data subjects: {len(pending)} mail(s) queued "
            f"in {len(batches)} batch(es)"
        )
        _event(
            uow,
            incident,
            svc,
            by.name,
            line,
            data={"action": "communication", "round": rounds, "queued": len(pending)},
        )
        summary = uow.breaches.summary(incident.id)
        uow.commit()
    return summary


def _event(
    uow: UnitOfWork, incident: Incident, svc: Services, actor: str, text: str, *, data: Mapping[str, Any]
) -> None:
    uow.timeline.append(
        incident.id, [TimelineEvent(EventKind.BREACH, svc.clock.now(), actor, text, dict(data))]
    )


def deliver(svc: SecurityContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The ``breach.communicate`` job: send one batch; each address is marked sent or failed.
    Addresses already done (a re-run) are skipped. The batch is read apart and sent before the
    job's own transaction begins, so no lock is held while the mail server answers."""
    incident_id = int(payload["incident_id"])
    rounds = int(payload["round"])
    with svc.read() as reader:
        breach = reader.breaches.get(incident_id)
        batch = reader.breaches.recipients_by_id(incident_id, [int(i) for i in payload["ids"]])
    if breach is None:
        return True
    outcomes = [(r, _send(svc, breach, r, rounds)) for r in batch if r.state is DeliveryState.PENDING]
    incident = uow.incidents.get(IncidentId(incident_id), for_update=True)  # serialises the last batches
    for recipient, error in outcomes:
        if recipient.id is not None:
            state = DeliveryState.FAILED if error else DeliveryState.SENT
            uow.breaches.mark(recipient.id, state, svc.clock.now(), error)
    summary = uow.breaches.summary(incident_id)
    done = any(
        e.kind is EventKind.BREACH
        and e.data.get("action") == "communicated"
        and e.data.get("round") == rounds
        for e in uow.timeline.list(incident.id)
    )
    if summary.pending == 0 and not done:
        text = f"Art. 34 communication done: {summary.sent} sent, {summary.failed} failed"
        data = {"action": "communicated", "round": rounds, "sent": summary.sent, "failed": summary.failed}
        _event(uow, incident, svc, SYSTEM, text, data=data)
    return True


def _send(svc: SecurityContext, breach: Breach, recipient: Recipient, rounds: int) -> str:
    """Send one mail; ``""`` when it went out, else why not (never a secret)."""
    mailer = svc.breach.mailer
    if mailer is None:
        return "no SMTP server configured"
    c = breach.communication
    key = f"breach34:{breach.incident_id}:{recipient.id}:{rounds}"
    try:
        mailer.send(Letter(recipient.email, c.subject, c.body, svc.breach.controller or SENDER), key)
    except DeliveryFailed as exc:
        log.warning("breach communication to recipient %s failed: %s", recipient.id, exc)
        return str(exc)[:500] or "delivery failed"
    return ""
