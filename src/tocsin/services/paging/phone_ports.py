"""What the phone webhooks (Twilio's SMS replies, call keypad and status callbacks) ask of the
paging services. The web layer verifies ``X-Twilio-Signature`` and parses the form; an
implementation of ``PhoneReplies`` decides and records.

``key`` is the notification key (``notify:<incident>:<batch>:<person>:<channel>``) that tocsin
put in the callback URLs it gave Twilio: a request signed by Twilio for that URL is about that
page.
"""

from __future__ import annotations

from typing import Protocol


class PhoneReplies(Protocol):
    def sms_reply(self, from_number: str, body: str) -> str:
        """An SMS came back from ``from_number`` (E.164): ``1``/``ACK`` acknowledges the page
        it answers, ``2``/``ESC`` escalates, ``HELP`` explains. Returns the reply text (an
        unknown number gets a polite reply and nothing is acknowledged)."""
        ...

    def keypress(self, key: str, digits: str, from_number: str) -> str:
        """The callee pressed ``digits`` during the call for page ``key`` (1 acknowledges,
        2 escalates). Returns what the call says back."""
        ...

    def delivery_status(self, key: str, reference: str, status: str, error_code: str | None) -> None:
        """Twilio's ``StatusCallback`` for the message or call ``reference`` (its SID) of page
        ``key``: ``MessageStatus`` (queued, sent, delivered, undelivered, failed) or
        ``CallStatus`` (queued, ringing, in-progress, completed, busy, no-answer, canceled,
        failed). Recorded on the delivery and the timeline; a failed or unanswered method moves
        the person's next method to now."""
        ...
