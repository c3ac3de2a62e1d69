"""``PhoneReplies`` over the repositories: what an SMS reply, a key pressed during a call or a
provider's delivery status means, decided and recorded.

An SMS reply is matched to its sender by their *verified* SMS number, and answers that person's
latest unacknowledged page: ``1``/``ACK`` acknowledges as them ("Acknowledged by Nora Janssens
(from SMS)"), ``2``/``ESC`` escalates, ``HELP`` explains. An unknown number gets a polite reply
and nothing happens. A call's keypad does the same for the page the call is about.

A delivery status (delivered, failed, answered, not answered) is recorded on the delivery and
on the timeline; a failed or unanswered method makes the person's next pending method of that
page due now.
"""

from __future__ import annotations

from datetime import UTC

from tocsin.domain.access import Actor, Role
from tocsin.domain.contacts import e164
from tocsin.domain.errors import DomainError, InvalidInput
from tocsin.domain.events import EventKind, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.notification import Person
from tocsin.services.incidents import incidents
from tocsin.services.paging import contacts, escalation, refused
from tocsin.services.paging.context import PagingContext
from tocsin.services.paging.phone_ports import PhoneReplies
from tocsin.services.ports import UnitOfWork

ACK_WORDS = frozenset({"1", "ACK", "ACKNOWLEDGE", "OK"})
ESCALATE_WORDS = frozenset({"2", "ESC", "ESCALATE"})
HELP_WORDS = frozenset({"HELP", "?", "INFO"})

HELP = "tocsin: reply 1 (or ACK) to acknowledge your latest page, 2 (or ESC) to escalate it."
UNKNOWN = (
    "Sorry, this number is not a verified contact in tocsin, so nothing was acknowledged. "
    "Add and verify it on your tocsin profile."
)

# Twilio's MessageStatus and CallStatus -> the delivery's status (others change nothing).
STATUSES = {
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "in-progress": "answered",
    "completed": "answered",
    "busy": "not_answered",
    "no-answer": "not_answered",
    "canceled": "not_answered",
}
_SAID = {"delivered": "delivered", "failed": "failed", "answered": "answered", "not_answered": "not answered"}


class PhoneReplyService(PhoneReplies):
    """The ``PhoneReplies`` the Twilio webhooks call (``services.paging.phone_ports``); the app puts
    one, built over its ``Services``, on its state."""

    def __init__(self, svc: PagingContext) -> None:
        self._svc = svc

    def sms_reply(self, from_number: str, body: str) -> str:
        svc = self._svc
        try:
            number = e164(from_number)
        except InvalidInput:
            return UNKNOWN
        word = body.strip().upper().rstrip(".!")
        with svc.read() as uow:
            people = contacts.people_by_number(svc, uow, "sms", number)
            if not people:
                return UNKNOWN
            if word in HELP_WORDS:
                return HELP
            found = _latest_unacknowledged(uow, people)
        if found is None:
            return "tocsin: you have no unacknowledged page."
        person_id, incident = found
        person = svc.paging.directory.people[person_id]
        return self._act(person, incident.id, word, via="SMS")

    def keypress(self, key: str, digits: str, from_number: str) -> str:
        del from_number  # the page is named by the key tocsin gave the provider
        svc = self._svc
        parts = key.split(":")
        if len(parts) < 5 or parts[0] != "notify" or not parts[1].isdigit():
            return "This page is not known to tocsin. Goodbye."
        with svc.read() as uow:
            if uow.deliveries.get(key) is None:
                return "This page is not known to tocsin. Goodbye."
        person = svc.paging.directory.people.get(parts[3])
        if person is None:
            return "This page is not known to tocsin. Goodbye."
        word = digits.strip()
        if word not in ("1", "2"):
            return "Press 1 to acknowledge, 2 to escalate."
        return self._act(person, IncidentId(int(parts[1])), word, via="call")

    def delivery_status(self, key: str, reference: str, status: str, error_code: str | None) -> None:
        svc = self._svc
        state = STATUSES.get(status.strip().lower())
        if state is None:
            return  # queued, sent, ringing…: nothing to record
        with svc.uow() as uow:
            delivery = uow.deliveries.get(key) or (
                uow.deliveries.by_reference(reference) if reference else None
            )
            if delivery is None or delivery.status == state:
                return
            at = svc.clock.now()
            uow.deliveries.mark_status(delivery.key, state, at)
            person = svc.paging.directory.people.get(delivery.recipient)
            name = person.name if person is not None else delivery.recipient
            what = refused.channel_name(delivery.channel)
            text = f"{what} to {name} {_SAID[state]} {at.astimezone(UTC):%H:%M:%S}"
            if error_code:
                text += f" (error {error_code})"
            if state in ("failed", "not_answered"):
                following = refused.next_method_now(uow, delivery.key, at)
                if following:
                    text += f"; {refused.channel_name(following)} now"
            data = {
                "channel": delivery.channel,
                "recipient": delivery.recipient,
                "key": delivery.key,
                "status": state,
            }
            event = TimelineEvent(kind=EventKind.NOTIFIED, at=at, actor="tocsin", text=text, data=data)
            uow.timeline.append(IncidentId(delivery.incident_id), [event])
            uow.commit()

    def _act(self, person: Person, incident_id: IncidentId, word: str, *, via: str) -> str:
        actor = Actor(person.name, Role.RESPONDER)
        try:
            if word in ACK_WORDS:
                incidents.acknowledge_incident(self._svc, incident_id, by=actor, via=via)
                return f"tocsin: incident #{incident_id} acknowledged. Thank you, {person.name}."
            if word in ESCALATE_WORDS:
                labelled = Actor(f"{person.name} (from {via})", Role.RESPONDER)
                escalation.escalate_incident(self._svc, incident_id, by=labelled)
                return f"tocsin: incident #{incident_id} escalated: the next step is being paged."
        except DomainError as exc:
            return f"tocsin: incident #{incident_id}: {exc.detail}"
        return HELP


def _latest_unacknowledged(uow: UnitOfWork, people: list[str]) -> tuple[str, Incident] | None:
    """The newest page to one of ``people`` whose incident is still unacknowledged."""
    candidates = [
        (d.created_at, d.incident_id, person) for person in people for d in uow.deliveries.pages_to(person)
    ]
    seen: set[int] = set()
    for _, incident_id, person in sorted(candidates, reverse=True):
        if incident_id in seen:
            continue
        seen.add(incident_id)
        incident = uow.incidents.get(IncidentId(incident_id))
        if incident.phase is Phase.DETECTION and incident.acknowledged_at is None:
            return person, incident
    return None
