"""The context of the access use cases: ``Services`` and the bearer-token cache."""

from __future__ import annotations

from typing import Protocol

from tocsin.services.context import Services
from tocsin.services.token_cache import TokenCache


class AccessContext(Services, Protocol):
    @property
    def token_cache(self) -> TokenCache:
        """Bearer tokens found valid in the last few seconds (``services.token_cache.TTL``)."""
        ...
