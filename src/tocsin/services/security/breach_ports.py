"""What the breach use cases need: their storage, the mailer of the Art. 34 communication, and
``BreachConfig``, the settings in force (``gdpr`` and ``security.breach``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from tocsin.domain.breach import DEFAULT_REMINDERS, Breach
from tocsin.domain.breach_commands import Terms
from tocsin.domain.breach_communication import DeliveryState, Recipient, Summary
from tocsin.domain.breach_dossier import Contact
from tocsin.domain.notification import Person
from tocsin.domain.severity import Plan
from tocsin.services.paging.ports import Mailer

REMIND = ("role:security",)
"""Who the 72 h reminders reach, with the DPO."""
ESCALATE = ("role:cto",)
"""Who is told as well once the deadline has passed without a notification."""


@dataclass(frozen=True, slots=True)
class BreachConfig:
    authority_name: str = ""
    dpo: Person | None = None
    controller: str = ""
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    batch_size: int = 50
    mailer: Mailer | None = field(default=None, compare=False)
    """Sends the Art. 34 mails (``None``: no SMTP server configured, nothing can be sent)."""

    def terms(self, plan: Plan) -> Terms:
        return Terms(plan.gdpr_authority, plan.gdpr_notification_deadline, self.reminders)

    @property
    def dpo_contact(self) -> Contact | None:
        return Contact(self.dpo.name, self.dpo.email) if self.dpo is not None else None


class BreachRepository(Protocol):
    def get(self, incident_id: int) -> Breach | None:
        """The record with its notifications (oldest first); lock the incident row to write."""
        ...

    def save(self, breach: Breach) -> None:
        """Insert or update the record; notifications without an id are added."""
        ...

    def page(self, *, limit: int = 500, offset: int = 0) -> Sequence[Breach]:
        """Every breach, the latest ``aware_at`` first."""
        ...

    def of_incidents(self, incident_ids: Sequence[int]) -> Mapping[int, Breach]: ...

    def add_recipients(self, incident_id: int, recipients: Sequence[Recipient], at: datetime) -> int:
        """Add the addresses not there yet (case-insensitive); returns how many were added."""
        ...

    def recipients(
        self, incident_id: int, *, state: DeliveryState | None = None, limit: int = 100, offset: int = 0
    ) -> Sequence[Recipient]:
        """In upload order."""
        ...

    def recipients_by_id(self, incident_id: int, ids: Sequence[int]) -> Sequence[Recipient]: ...

    def pending_ids(self, incident_id: int) -> list[int]: ...

    def summary(self, incident_id: int) -> Summary: ...

    def mark(self, recipient_id: int, state: DeliveryState, at: datetime, error: str = "") -> None: ...

    def retry_failed(self, incident_id: int) -> int:
        """Failed addresses back to pending; returns how many."""
        ...
