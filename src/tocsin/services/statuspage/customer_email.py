"""The plan's "Email utilisateurs si prolongé (> 1h)": a durable timer armed when a P0/P1 opens
prepares the customer email; per config it goes out at once or waits for the incident
commander's approval (the default). Once per incident, plus one resolution email to the same
people. Texts are templates per language, so they can be localised.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tocsin.domain import lateness, restriction
from tocsin.domain.access import Actor, Role
from tocsin.domain.errors import Conflict, NotFound
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.services.context import Services
from tocsin.services.paging.ports import Letter
from tocsin.services.ports import UnitOfWork
from tocsin.services.statuspage.context import StatusPageContext
from tocsin.services.statuspage.ports import CustomerEmail

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "tocsin"
PROLONGED, RESOLVED = "prolonged", "resolved"
AWAITING, SENT = "awaiting_approval", "sent"

TEMPLATES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "en": {
        PROLONGED: (
            "[{page}] Ongoing incident: {name}",
            "Hello,\n\nSince {since} UTC we have been experiencing an incident: {name}.\n"
            "Our team is working on it. We will email you again once it is resolved.\n\n"
            "Follow it live: {url}\n",
        ),
        RESOLVED: (
            "[{page}] Resolved: {name}",
            "Hello,\n\nThe incident that began at {since} UTC ({name}) was resolved at {until} UTC.\n"
            "We apologise for the inconvenience.\n\nDetails: {url}\n",
        ),
    },
    "fr": {
        PROLONGED: (
            "[{page}] Incident en cours : {name}",
            "Bonjour,\n\nDepuis {since} UTC, nous rencontrons un incident : {name}.\n"
            "Notre équipe y travaille. Nous vous écrirons à nouveau dès sa résolution.\n\n"
            "Suivez-le en direct : {url}\n",
        ),
        RESOLVED: (
            "[{page}] Résolu : {name}",
            "Bonjour,\n\nL'incident commencé à {since} UTC ({name}) a été résolu à {until} UTC.\n"
            "Veuillez nous excuser pour la gêne occasionnée.\n\nDétails : {url}\n",
        ),
    },
}


def _compose(
    svc: StatusPageContext, uow: UnitOfWork, incident: Incident, kind: str, at: datetime
) -> CustomerEmail:
    """Only public facts go in: the public incident's name (never the internal title)."""
    config = svc.statuspage
    public = uow.statuspage.get_public(incident.id)
    subject, body = TEMPLATES.get(config.language, TEMPLATES["en"])[kind]
    values = {
        "page": config.name,
        "name": public.name if public else "Service disruption",
        "since": f"{incident.detected_at:%Y-%m-%d %H:%M}",
        "until": f"{(incident.resolved_at or at):%Y-%m-%d %H:%M}",
        "url": config.url,
    }
    state = SENT if kind == RESOLVED or config.email_mode == "send" else AWAITING
    return CustomerEmail(incident.id, kind, state, subject.format(**values), body.format(**values), at)


def fire(svc: StatusPageContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """The timer: a no-op when the incident is resolved by now or its email already exists."""
    incident = uow.incidents.get(IncidentId(int(payload["incident_id"])), for_update=True)
    if (
        incident.drill
        or incident.resolved_at is not None
        or uow.statuspage.get_email(incident.id, PROLONGED) is not None
    ):
        return False
    at = svc.clock.now()
    email = _compose(svc, uow, incident, PROLONGED, at)
    uow.statuspage.save_email(email)
    if email.state == SENT:
        count = _queue(svc, uow, email, at)
        text = f"Customer email (> 1 h) sent to {count} recipient(s): {email.subject}"
    else:
        commander = incident.acknowledged_by or incident.declared_by
        text = (
            f"Customer email (> 1 h) prepared; the incident commander ({commander}) must approve it: "
            f"tocsin status approve-email {incident.id}"
        )
    due = _due(svc, incident, payload)
    text = lateness.with_note(text, due, at)
    _record(uow, incident, at, actor=SYSTEM_ACTOR, text=text, email=email, extra=lateness.late_data(due, at))
    return True


def _due(svc: Services, incident: Incident, payload: Mapping[str, Any]) -> datetime | None:
    """When the timer was due: carried by its payload (older timers: from the plan)."""
    if payload.get("due_at"):
        return datetime.fromisoformat(str(payload["due_at"]))
    after = svc.plan.level(incident.severity).customer_email_after
    return incident.detected_at + after if after is not None else None


def approve(svc: StatusPageContext, incident_id: IncidentId, *, by: Actor) -> CustomerEmail:
    """Send the prepared "> 1 h" email. ``Conflict`` if it was already sent."""
    by.require(Role.RESPONDER, "approving the customer email")
    with svc.uow() as uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        restriction.require_clearance(by, incident)
        email = uow.statuspage.get_email(incident.id, PROLONGED)
        if email is None:
            raise NotFound(f"incident {incident_id} has no customer email to approve")
        if email.state == SENT:
            raise Conflict(f"the customer email of incident {incident_id} was already sent")
        at = svc.clock.now()
        sent = CustomerEmail(email.incident_id, email.kind, SENT, email.subject, email.body, email.created_at)
        uow.statuspage.save_email(sent)
        count = _queue(svc, uow, sent, at)
        _record(
            uow,
            incident,
            at,
            actor=by.name,
            text=f"Customer email approved and sent to {count} recipient(s)",
            email=sent,
        )
        uow.commit()
    return sent


def on_resolved(svc: StatusPageContext, uow: UnitOfWork, incident: Incident, at: datetime) -> None:
    """Tell the people who got the "> 1 h" email that it is over (once)."""
    prolonged = uow.statuspage.get_email(incident.id, PROLONGED)
    if prolonged is None or prolonged.state != SENT:
        return
    email = _compose(svc, uow, incident, RESOLVED, at)
    if not uow.statuspage.save_email(email):
        return
    count = _queue(svc, uow, email, at)
    _record(
        uow,
        incident,
        at,
        actor=SYSTEM_ACTOR,
        text=f"Resolution email sent to {count} recipient(s)",
        email=email,
    )


def _recipients(svc: StatusPageContext, uow: UnitOfWork, incident_id: int) -> dict[str, str]:
    """Address -> footer: the configured affected users, then every confirmed subscriber who
    wants this incident's components (their mail ends with their unsubscribe link)."""
    recipients = dict.fromkeys(svc.statuspage.affected_users, "")
    public = uow.statuspage.get_public(incident_id)
    components = public.components if public else ()
    for subscriber in uow.statuspage.active_subscribers():
        if subscriber.wants(components) and subscriber.email not in recipients:
            recipients[subscriber.email] = (
                f"\n--\nUnsubscribe: {svc.statuspage.url}unsubscribe?token={subscriber.token}\n"
            )
    return recipients


def _queue(svc: StatusPageContext, uow: UnitOfWork, email: CustomerEmail, at: datetime) -> int:
    recipients = _recipients(svc, uow, email.incident_id)
    rows: list[tuple[str, int | None, str, str, str]] = [
        (
            f"customer:{email.incident_id}:{email.kind}:{to}",
            email.incident_id,
            to,
            email.subject,
            email.body + footer,
        )
        for to, footer in recipients.items()
    ]
    ids = uow.statuspage.queue_mails(rows, at)
    uow.jobs.enqueue(
        [JobRequest(JobKind.STATUS_MAIL, due_at=at, payload={"mail_id": i}, key=f"mail:{i}") for i in ids]
    )
    return len(rows)


def _record(
    uow: UnitOfWork,
    incident: Incident,
    at: datetime,
    *,
    actor: str,
    text: str,
    email: CustomerEmail,
    extra: Mapping[str, object] | None = None,
) -> None:
    data = {"kind": email.kind, "state": email.state, **(extra or {})}
    uow.timeline.append(incident.id, [TimelineEvent(EventKind.CUSTOMER_EMAIL, at, actor, text, data)])


def deliver(svc: StatusPageContext, uow: UnitOfWork, payload: Mapping[str, Any]) -> bool:
    """Send one queued mail (idempotent: a mail already sent is not sent again)."""
    mail = uow.statuspage.get_mail(int(payload["mail_id"]))
    if mail is None or mail.sent_at is not None:
        return False
    mailer = svc.statuspage.mailer
    if mailer is None:
        log.warning("status page mail %s not sent: no SMTP server configured", mail.id)
        uow.statuspage.mark_sent(mail.id, svc.clock.now(), "not sent: no SMTP server configured")
        return True
    letter = Letter(mail.recipient, mail.subject, mail.body, svc.statuspage.name)
    reference = mailer.send(letter, mail.key)
    uow.statuspage.mark_sent(mail.id, svc.clock.now(), reference)
    return True
