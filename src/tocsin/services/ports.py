"""What the services need from the outside world, as Protocols. Adapters implement them.

Every use case runs inside one ``UnitOfWork``: state, timeline events and jobs commit together
(the transactional outbox) or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar

from tocsin.domain.access import ApiToken, Role
from tocsin.domain.events import EventKind, JobKind, JobRequest, TimelineEvent
from tocsin.domain.incident import Incident, IncidentId
from tocsin.domain.lifecycle import Phase
from tocsin.domain.severity import Severity
from tocsin.services.access.ports import SessionRepository, UserRepository
from tocsin.services.github.ports import GithubRepository
from tocsin.services.incidents.deploy_ports import DeployRepository
from tocsin.services.incidents.postmortem_ports import ComplianceReader, PostMortemRepository
from tocsin.services.intake.ports import AlertRepository
from tocsin.services.outbound.ports import SendRepository
from tocsin.services.paging.contact_ports import ContactRepository
from tocsin.services.paging.page_link_ports import InstallSecretRepository, PageLinkRepository
from tocsin.services.paging.ports import DeliveryRepository, EscalationRepository, FeedRepository
from tocsin.services.security.breach_ports import BreachRepository
from tocsin.services.security.evidence_ports import EvidenceRepository
from tocsin.services.slack.ports import SlackChannelRepository, SlackMessageRepository
from tocsin.services.statuspage.ports import StatusPageRepository

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    open: bool | None = None
    severity: Severity | None = None
    phase: Phase | None = None
    limit: int = 50
    offset: int = 0
    search: str = ""
    """Words in the title or summary (case-insensitive), or an incident number such as ``#12``."""
    cleared: bool = True
    """Whether the reader sees restricted incidents' words: without clearance, words never match
    a restricted incident (its number still does)."""
    after: IncidentKey | None = None
    """Keyset paging: the incidents after this one in the list's order (``offset`` then counts
    from there); cheaper than a deep ``offset`` on a big history."""
    newest_resolved: bool = False
    """Order by resolution time, the most recently resolved first (unresolved ones left out)."""
    counted: bool = True
    """False: ``total`` is not counted (a scan on a big history) and only says ``offset`` plus
    the items found, for callers that show no total."""


@dataclass(frozen=True, slots=True)
class IncidentKey:
    """An incident's place in the list's order: severity, detection time, id."""

    severity: Severity
    detected_at: datetime
    id: int

    @classmethod
    def of(cls, incident: Incident) -> IncidentKey:
        return cls(incident.severity, incident.detected_at, incident.id)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    incident_id: IncidentId
    kind: EventKind
    at: datetime
    actor: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)


class IncidentRepository(Protocol):
    def next_id(self) -> IncidentId:
        """Reserve the id of the next incident (safe under concurrent writers)."""
        ...

    def add(self, incident: Incident) -> None: ...

    def get(self, incident_id: IncidentId, *, for_update: bool = False) -> Incident:
        """Raise ``NotFound`` if absent. ``for_update`` locks the row until commit."""
        ...

    def save(self, incident: Incident) -> None: ...

    def list(self, query: IncidentFilter) -> Page[Incident]:
        """Ordered by severity (P0 first), then detection time (newest first)."""
        ...


class TimelineRepository(Protocol):
    def append(self, incident_id: IncidentId, events: Sequence[TimelineEvent]) -> None: ...

    def list(
        self,
        incident_id: IncidentId,
        *,
        kinds: frozenset[str] = frozenset(),
        after: int | None = None,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """Oldest first; only events of ``kinds`` unless empty, after the event ``after``, at
        most ``limit``."""
        ...

    def page(
        self,
        incident_id: IncidentId,
        *,
        kinds: frozenset[str] = frozenset(),
        before: int | None = None,
        since: int | None = None,
        limit: int = 100,
    ) -> Sequence[StoredEvent]:
        """Newest first: at most ``limit`` events of ``kinds`` (all when empty), older than the
        event ``before`` and newer than the event ``since``."""
        ...

    def kinds(self, incident_id: IncidentId) -> Mapping[str, int]:
        """How many events of each kind the incident has."""
        ...


class JobStatus:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: JobKind
    payload: Mapping[str, Any]
    due_at: datetime
    status: str
    attempts: int
    max_attempts: int
    key: str | None
    last_error: str | None
    created_at: datetime
    claim_token: str | None = None
    lease_expires_at: datetime | None = None


class JobQueue(Protocol):
    def enqueue(self, jobs: Sequence[JobRequest]) -> None:
        """Insert pending jobs; a job whose ``key`` already exists is silently skipped."""
        ...

    def cancel(self, keys: Sequence[str]) -> None:
        """Mark still-pending jobs with these keys cancelled."""
        ...

    def expedite(self, keys: Sequence[str], at: datetime) -> None:
        """Still-pending jobs with these keys, due later than ``at``, become due at ``at``."""
        ...

    def complete(self, job_id: int, claim_token: str) -> bool:
        """Mark a claimed job done in the current transaction.

        False when the claim was lost (the lease expired and another worker took the job):
        the caller must then roll back so the stale run has no effect.
        """
        ...

    def reschedule(
        self, job_id: int, claim_token: str, due_at: datetime, payload: Mapping[str, Any], reason: str
    ) -> bool:
        """A claimed job told to wait (``RetryAfter``): pending again at ``due_at`` with this
        payload, in the current transaction, its attempt not counted. False as ``complete``."""
        ...


class TokenRepository(Protocol):
    def add(self, name: str, role: Role, secret_hash: str, at: datetime) -> ApiToken:
        """Raise ``Conflict`` if an active token already has this name."""
        ...

    def find_active(self, secret_hash: str) -> ApiToken | None: ...

    def revoke(self, name: str, at: datetime) -> ApiToken:
        """Raise ``NotFound`` if no active token has this name."""
        ...

    def list(self) -> Sequence[ApiToken]: ...

    def touch(self, token_id: int, at: datetime) -> None:
        """Record that the token was used at ``at``."""
        ...


class UnitOfWork(Protocol):
    incidents: IncidentRepository
    timeline: TimelineRepository
    jobs: JobQueue
    tokens: TokenRepository
    alerts: AlertRepository
    escalations: EscalationRepository
    deliveries: DeliveryRepository
    feeds: FeedRepository
    users: UserRepository
    sessions: SessionRepository
    github: GithubRepository
    slack_messages: SlackMessageRepository
    slack_channels: SlackChannelRepository
    statuspage: StatusPageRepository
    postmortems: PostMortemRepository
    compliance: ComplianceReader
    deploys: DeployRepository
    breaches: BreachRepository
    evidence: EvidenceRepository
    sends: SendRepository
    page_links: PageLinkRepository
    install_secrets: InstallSecretRepository
    contacts: ContactRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def hold(self, topic: str, key: int) -> None:
        """Until this transaction ends, other transactions holding ``(topic, key)`` wait, so
        two workers never do one thing at once (e.g. mirror one incident's events). PostgreSQL:
        a transaction advisory lock; SQLite takes none (its writers are one at a time, and
        handlers read state fresh and are idempotent)."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
