"""The context of the status-page use cases: ``Services`` and the status-page settings."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.statuspage.ports import StatusPageConfig


class StatusPageContext(Services, Protocol):
    @property
    def statuspage(self) -> StatusPageConfig:
        """The public status page: components, customer email mode, mailer."""
        ...
