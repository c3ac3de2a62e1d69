"""What contact methods and personal rules need from storage (``contact_methods`` and
``person_rules``): methods by person or by address, pending verification codes, rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tocsin.domain.contacts import ContactMethod, PersonRule


@dataclass(frozen=True, slots=True)
class PendingCode:
    """A verification code sent to a method: its hash, expiry and the attempts made so far."""

    code_hash: str
    expires_at: datetime
    attempts: int


class ContactRepository(Protocol):
    def methods(self, person_ids: Sequence[str] | None = None) -> list[ContactMethod]:
        """Every stored method (of these people), verified or not."""
        ...

    def verified_by_address(self, channel: str, address: str) -> list[ContactMethod]:
        """The verified methods of ``channel`` at ``address`` (an SMS reply's sender)."""
        ...

    def add(self, method: ContactMethod, at: datetime) -> None:
        """Insert; a method already stored (person, channel, address) is left as it is."""
        ...

    def remove(self, person_id: str, channel: str, address: str) -> bool: ...

    def seed(self, methods: Sequence[ContactMethod], at: datetime) -> None:
        """Make the ``config`` methods exactly ``methods``: add new ones (verified at ``at`` when
        attested), verify attested ones, drop config methods no longer written."""
        ...

    def set_code(self, method: ContactMethod, code_hash: str, expires_at: datetime) -> None:
        """A new code replaces any pending one and resets the attempts."""
        ...

    def pending_code(self, method: ContactMethod) -> PendingCode | None: ...

    def count_attempt(self, method: ContactMethod) -> None: ...

    def mark_verified(self, method: ContactMethod, at: datetime) -> None:
        """Verified at ``at``; the pending code is cleared."""
        ...

    def rule(self, person_id: str, timezone: str) -> PersonRule | None:
        """The person's own rule (quiet hours read in ``timezone``), None when they have none."""
        ...

    def save_rule(self, person_id: str, rule: PersonRule, at: datetime) -> None: ...
