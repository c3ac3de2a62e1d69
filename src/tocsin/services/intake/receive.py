"""A webhook's way in, built once at start: its source (404), credentials (401), signature
(401), parsing (400/422, ``kinds.BadPayload``) and the group commit that stores it.

``Intake`` holds what the configuration fixes — each source's policy (severity rules parsed)
and credentials, the table of kinds — so a request only looks things up. The web's intake route
maps the refusals below to HTTP answers; nothing is stored on any of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tocsin.domain.alert import Notification
from tocsin.domain.source import SourcePolicy
from tocsin.services.intake.auth import Credentials, authorized, signed
from tocsin.services.intake.batch import Pending
from tocsin.services.intake.ingest import IngestResult
from tocsin.services.intake.kinds import HookKinds
from tocsin.services.intake.writer import IntakeWriter
from tocsin.services.ports import Clock


@dataclass(frozen=True, slots=True)
class Source:
    policy: SourcePolicy
    credentials: Credentials


class UnknownSource(Exception):
    """No source of this kind has this name (404)."""


class Unauthorized(Exception):
    """The request lacks this source's credentials (401); ``challenge``: answer with
    ``WWW-Authenticate`` (credentials missing or wrong, not a bad signature)."""

    def __init__(self, *, challenge: bool) -> None:
        super().__init__("valid credentials for this source are required")
        self.challenge = challenge


class Intake:
    def __init__(
        self, kinds: HookKinds, sources: Mapping[str, Source], writer: IntakeWriter, clock: Clock
    ) -> None:
        for name, source in sources.items():
            row = kinds.by_name.get(source.policy.kind.value)
            if source.credentials.hmac_secret is not None and (row is None or not row.signed):
                raise ValueError(f"source {name!r}: its kind does not sign bodies (no hmac_secret)")
        self.kinds = kinds
        self.sources = sources
        self.writer = writer
        self.clock = clock

    def label(self, name: str) -> str:
        """The metric label of a source: its name if configured, else ``unknown`` (clients
        cannot mint labels)."""
        return name if name in self.sources else "unknown"

    def source(self, kind: str, name: str, headers: Mapping[str, str]) -> Source:
        """The source ``name`` of ``kind`` whose credentials the request carries."""
        source = self.sources.get(name)
        if source is None or source.policy.kind.value != kind:
            raise UnknownSource(f"no {kind} source named {name!r:.100}")
        if not authorized(source.credentials, headers):
            raise Unauthorized(challenge=True)
        return source

    def parse(self, source: Source, headers: Mapping[str, str], body: bytes) -> Notification:
        """The signed body as a notification (the source's kind's parser)."""
        if not signed(source.credentials, headers, body):
            raise Unauthorized(challenge=False)
        kind = self.kinds.by_name[source.policy.kind.value]
        return kind.parse(body, source.policy, self.clock.now())

    async def store(self, source: Source, notification: Notification) -> IngestResult:
        """Committed (group commit) before this returns; the store's errors pass through."""
        return await self.writer.submit(Pending(source.policy, notification))
