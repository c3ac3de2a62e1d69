"""What the GitHub feature needs: the issue tracker (GitHub's REST API, or GitHub Enterprise's),
the stored link between an incident and its issue, and ``GitHub``, the settings in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tocsin.domain.delivery import RetryAfter
from tocsin.domain.github import DEFAULT_TITLE
from tocsin.domain.severity import Severity


class TrackerError(Exception):
    """GitHub did not do it now (HTTP error, rate limit too long to wait, network): the job is
    retried with backoff, then dead-lettered. The message never carries the token."""


class TrackerRateLimited(TrackerError, RetryAfter):
    """GitHub said to wait ``delay`` seconds (a rate limit short enough to wait out): the job
    engine runs the job again then."""

    def __init__(self, message: str, delay: float) -> None:
        RetryAfter.__init__(self, message, delay)


@dataclass(frozen=True, slots=True)
class Issue:
    number: int
    url: str
    state: str
    labels: tuple[str, ...] = ()
    body: str = ""
    title: str = ""


class IssueTracker(Protocol):
    repository: str
    """``owner/name``."""

    def find(self, marker: str) -> Issue | None:
        """The issue tocsin created whose body carries ``marker`` as a whole line (recent incident
        issues, then a search); never an issue someone else wrote."""
        ...

    def ensure_labels(self, names: Sequence[str], colours: dict[str, str]) -> None:
        """Create the labels the repository lacks, with these colours."""
        ...

    def create(self, title: str, body: str, labels: Sequence[str]) -> Issue: ...

    def get(self, number: int) -> Issue: ...

    def update(
        self,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        labels: Sequence[str] | None = None,
        state: str | None = None,
        state_reason: str | None = None,
    ) -> Issue: ...

    def comment(self, number: int, body: str) -> None: ...

    def comment_bodies(self, number: int, since: datetime | None) -> list[str]:
        """Bodies of tocsin's own comments on the issue updated at or after ``since`` (one page)."""
        ...


@dataclass(frozen=True, slots=True)
class IssueLink:
    """An incident's issue; ``synced_event_id`` is the last timeline event mirrored to it."""

    incident_id: int
    repository: str
    number: int
    url: str
    synced_event_id: int = 0
    synced_at: datetime | None = None


class GithubRepository(Protocol):
    def link(self, incident_id: int) -> IssueLink | None: ...

    def by_number(self, repository: str, number: int) -> IssueLink | None: ...

    def save(self, link: IssueLink, at: datetime) -> None:
        """Insert, or update the sync progress of, the incident's link."""
        ...

    def record_delivery(self, delivery_id: str, event: str, at: datetime) -> bool:
        """Remember a webhook delivery; False when it was already received (a redelivery)."""
        ...


@dataclass(frozen=True, slots=True)
class GitHub:
    """The GitHub feature in force (``GitHubContext.github``; ``None`` when it is off)."""

    tracker: IssueTracker
    restricted_tracker: IssueTracker | None = None
    """A private repository for security incidents (``security.github_repository``): their issues
    there carry the details; without one, their issue in ``tracker`` says only "Restricted
    incident #N (P0)" and its clock."""
    open_for: frozenset[Severity] = frozenset(Severity)
    title_template: str = DEFAULT_TITLE
    extra_labels: tuple[str, ...] = ()
    batch_seconds: float = 10.0
    import_comments: bool = True
    base_url: str = ""
    """tocsin's public URL, for links from the issue back to the incident."""
    labels_known: set[str] = field(default_factory=set, compare=False)
    """Labels seen to exist in the repository (a cache: each is checked once per process)."""

    def home(self, security: bool) -> IssueTracker:
        """Where an incident's issue is opened."""
        return self.restricted_tracker if security and self.restricted_tracker is not None else self.tracker

    def at(self, repository: str) -> IssueTracker:
        """The tracker of a stored link's repository."""
        other = self.restricted_tracker
        return other if other is not None and other.repository == repository else self.tracker

    def may_tell(self, security: bool, tracker: IssueTracker) -> bool:
        """Whether an incident's details may be written in ``tracker``'s repository."""
        return not security or (self.restricted_tracker is not None and tracker is self.restricted_tracker)

    def incident_url(self, incident_id: int) -> str:
        return f"{self.base_url}/incidents/{incident_id}" if self.base_url else ""
