"""The context of the paging use cases: ``Services`` and the paging settings."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.paging.page_link_ports import SecretCache
from tocsin.services.paging.ports import Paging


class PagingContext(Services, Protocol):
    @property
    def paging(self) -> Paging:
        """Directory, escalation policies, notification rules and channels (empty: escalation off)."""
        ...

    @property
    def install_secrets(self) -> SecretCache:
        """Secrets this installation made for itself (the page-link key), read once per process."""
        ...
