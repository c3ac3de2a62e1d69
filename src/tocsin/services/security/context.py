"""The context of the security use cases: ``Services`` and the breach, evidence and isolation
settings."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.paging.context import PagingContext
from tocsin.services.security.breach_ports import BreachConfig
from tocsin.services.security.evidence_ports import Locker
from tocsin.services.security.isolation_ports import Isolation


class SecurityContext(Services, Protocol):
    @property
    def breach(self) -> BreachConfig:
        """The GDPR breach workflow: authority name, DPO, reminders, the Art. 34 mailer."""
        ...

    @property
    def evidence(self) -> Locker | None:
        """The forensics evidence locker of security incidents (``security.evidence``)."""
        ...

    @property
    def isolation(self) -> Isolation | None:
        """Isolation actions (``security.isolation.actions``; ``None``: none configured)."""
        ...


class BreachRemindersContext(SecurityContext, PagingContext, Protocol):
    """The breach reminders: the DPO and the people paged, through the paging channels."""
