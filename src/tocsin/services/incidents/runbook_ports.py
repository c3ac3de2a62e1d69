"""What the runbook use cases need: a library of runbooks (a directory, in practice)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tocsin.domain.runbook import Runbook


class RunbookLibrary(Protocol):
    def all(self) -> Sequence[Runbook]: ...

    def errors(self) -> Sequence[str]:
        """Files that could not be read, each with the reason."""
        ...
