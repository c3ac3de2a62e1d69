"""What the status page needs: its configuration, its repository and a mailer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from tocsin.domain.maintenance import Maintenance
from tocsin.domain.statuspage import Component, ComponentStatus, PublicIncident
from tocsin.services.paging.ports import Mailer, WebhookPoster

if TYPE_CHECKING:
    from tocsin.services.statuspage.export import StaticSite


@dataclass(frozen=True, slots=True)
class StatusPageConfig:
    enabled: bool = False
    """Off: no drafts and no customer-email timer (the public page still renders, empty)."""
    name: str = "Status"
    url: str = "http://127.0.0.1:8080/status/"
    components: tuple[Component, ...] = ()
    email_mode: str = "approve"
    affected_users: tuple[str, ...] = ()
    language: str = "en"
    mailer: Mailer | None = field(default=None, compare=False)
    webhooks: tuple[str, ...] = ()
    """Operator-configured webhook subscribers (no public sign-up: no SSRF by subscription)."""
    webhook_poster: WebhookPoster | None = field(default=None, compare=False)
    export: StaticSite | None = field(default=None, compare=False)
    """``statuspage.export_dir``, kept up to date by the ``statuspage.export`` job (None: off)."""
    exports: bool = False
    """``statuspage.export_dir`` is set: a use case that changes the public page enqueues the
    export job, even in a process that cannot write the directory (``export`` None there)."""

    def component(self, key: str) -> Component | None:
        return next((c for c in self.components if c.key == key), None)

    @property
    def public_components(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.public)


@dataclass(frozen=True, slots=True)
class StatusChange:
    component: str
    status: ComponentStatus
    at: datetime


@dataclass(frozen=True, slots=True)
class Mail:
    id: int
    key: str
    incident_id: int | None
    recipient: str
    subject: str
    body: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: int
    email: str
    components: tuple[str, ...]
    token: str
    created_at: datetime
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def wants(self, components: Sequence[str]) -> bool:
        """No component chosen means every update; otherwise updates touching one of them."""
        return not self.components or bool(set(self.components) & set(components))


@dataclass(frozen=True, slots=True)
class CustomerEmail:
    incident_id: int
    kind: str  # "prolonged" or "resolved"
    state: str  # "awaiting_approval" or "sent"
    subject: str
    body: str
    created_at: datetime


class StatusPageRepository(Protocol):
    def get_public(self, incident_id: int) -> PublicIncident | None: ...

    def save_public(self, public: PublicIncident) -> None:
        """Insert or update the public incident and insert its updates not stored yet."""
        ...

    def list_public(self, *, since: datetime | None = None, limit: int = 50) -> Sequence[PublicIncident]:
        """Published incidents (at least one posted update), newest first."""
        ...

    def find_public(self, public_id: str) -> PublicIncident | None: ...

    def record_statuses(self, changes: Sequence[StatusChange], *, public_id: str | None) -> None: ...

    def history(self, since: datetime | None = None) -> Sequence[StatusChange]:
        """Component status changes, oldest first: every one, or (``since``) those from then
        on and, per component, the last one before (its status at ``since``)."""
        ...

    def first_changes(self) -> Mapping[str, datetime]:
        """When each component's status was first recorded."""
        ...

    def get_email(self, incident_id: int, kind: str) -> CustomerEmail | None: ...

    def save_email(self, email: CustomerEmail) -> bool:
        """Insert; False if one of this kind exists for the incident (once per incident)."""
        ...

    def queue_mails(self, mails: Sequence[tuple[str, int | None, str, str, str]], at: datetime) -> list[int]:
        """Insert (key, incident_id, recipient, subject, body) rows; return ids of new ones."""
        ...

    def get_mail(self, mail_id: int) -> Mail | None: ...

    def mark_sent(self, mail_id: int, at: datetime, reference: str) -> None: ...

    def subscriber_by_email(self, email: str) -> Subscriber | None: ...

    def subscriber_by_token(self, token: str) -> Subscriber | None: ...

    def save_subscriber(self, subscriber: Subscriber) -> Subscriber:
        """Insert (``id == 0``) or update; returns it with its id. ``Conflict`` when another
        transaction inserted the same address meanwhile."""
        ...

    def active_subscribers(self) -> Sequence[Subscriber]: ...

    def save_maintenance(self, maintenance: Maintenance) -> None:
        """Insert or update a scheduled maintenance (bumps the revision)."""
        ...

    def get_maintenance(self, maintenance_id: str, *, for_update: bool = False) -> Maintenance | None: ...

    def list_maintenances(
        self, *, limit: int = 50, completed_since: datetime | None = None
    ) -> Sequence[Maintenance]:
        """Newest scheduled first; with ``completed_since``, only those not completed before it
        (what the page shows: upcoming, in progress, and the recent history)."""
        ...

    def version(self) -> str:
        """Changes whenever anything public changes (the render cache's key)."""
        ...
