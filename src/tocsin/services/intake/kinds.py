"""The webhook source kinds, in ONE table: a row per kind drives the route
(``POST /hooks/{kind}/{source}``), the parser, the credentials it may carry and the metric label.

The rows themselves live with the parsers (``adapters.hooks``: wire formats are adapters); the
composition root hands the table to the web's intake route, which builds its path pattern and
its routes from it. Adding a kind is adding a row there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tocsin.domain.alert import Notification
from tocsin.domain.source import SourceKind, SourcePolicy


class BadPayload(Exception):
    """A body that cannot become a notification: ``status`` 400 (not JSON) or 422 (its shape,
    ``errors`` naming the JSON path)."""

    def __init__(
        self, status: int, detail: str, *, title: str, errors: Sequence[Mapping[str, Any]] = ()
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title
        self.errors = tuple(errors)


Parse = Callable[[bytes, SourcePolicy, datetime], Notification]
"""The raw body, the source's policy (its name, ``group_by``) and the time of receipt."""


@dataclass(frozen=True, slots=True)
class HookKind:
    kind: SourceKind
    parse: Parse = field(repr=False)
    signed: bool = False
    """The sender may sign its bodies (an HMAC secret is allowed for this kind: Grafana)."""

    @property
    def route(self) -> str:
        """The route's template, also the label of its requests in the metrics and logs."""
        return f"/hooks/{self.kind.value}/{{source}}"


class HookKinds:
    """The table: kinds by name, and the one pattern that recognises their paths."""

    def __init__(self, rows: Iterable[HookKind]) -> None:
        self.rows: tuple[HookKind, ...] = tuple(rows)
        self.by_name: dict[str, HookKind] = {row.kind.value: row for row in self.rows}
        names = "|".join(re.escape(name) for name in self.by_name)
        self._path = re.compile(rf"^/hooks/({names})/([^/]+)$")

    def match(self, path: str) -> tuple[HookKind, str] | None:
        """The kind and the source name of a webhook's path; ``None`` for any other path."""
        found = self._path.match(path)
        if found is None:
            return None
        return self.by_name[found.group(1)], found.group(2)
