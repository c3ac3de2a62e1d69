"""The one object every use case receives: the core (``services.context.Services``) and every
feature's settings, built by ``bootstrap.container.build``.

It satisfies structurally each feature's context protocol (``services.paging.context.
PagingContext``, ``services.slack.context.SlackContext``…); use cases name the narrowest one. Web,
CLI and worker pass it along whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo

from tocsin.domain.checklist import PHASES, Checklist, Item, items_of
from tocsin.domain.diagnostics import Diagnostics
from tocsin.domain.events import Change, TimelineEvent
from tocsin.domain.severity import Plan
from tocsin.services import reactions
from tocsin.services.github.ports import GitHub
from tocsin.services.incidents.runbook_ports import RunbookLibrary
from tocsin.services.paging.page_link_ports import SecretCache
from tocsin.services.paging.ports import Paging
from tocsin.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from tocsin.services.security.breach_ports import BreachConfig
from tocsin.services.security.evidence_ports import Locker
from tocsin.services.security.isolation_ports import Isolation
from tocsin.services.slack.ports import Slack
from tocsin.services.statuspage.ports import StatusPageConfig
from tocsin.services.token_cache import TokenCache


@dataclass(frozen=True, slots=True)
class AppServices:
    """``uow`` opens a unit of work for a use case that writes; ``read`` one for queries only
    (it cannot commit, and on SQLite it does not take the write lock)."""

    uow: UnitOfWorkFactory
    read: UnitOfWorkFactory
    clock: Clock
    plan: Plan
    paging: Paging = field(default_factory=Paging)
    """Directory, escalation policies, notification rules and channels (empty: escalation off)."""
    slack: Slack | None = None
    """Slack chat-ops (``None``: no bot token configured, Slack is off)."""
    statuspage: StatusPageConfig = field(default_factory=StatusPageConfig)
    """The public status page: components, customer email mode, mailer."""
    github: GitHub | None = None
    """GitHub issues as incident tickets (``None``: no repository configured, GitHub is off)."""
    report_timezone: tzinfo = UTC
    """The time zone of the Incident Report's times (``reports.timezone``)."""
    diagnostics: Diagnostics | None = None
    """Loki/Grafana links over the incident window (``None``: no ``diagnostics.grafana_url``)."""
    checklists: tuple[Checklist, ...] = PHASES
    """The phases' checklists (config ``checklists``, default: the plan's lines)."""
    deploy_window: timedelta = timedelta(minutes=60)
    """How long before detection a production deploy is a suspect (``deploys.window``)."""
    deploys_arrive: bool = True
    """A deploy can be recorded: a source of kind ``deploy``, or GitHub webhooks, configured."""
    runbooks: RunbookLibrary | None = None
    """The runbook directory (``runbooks.dir``; ``None``: none configured)."""
    isolation: Isolation | None = None
    """Isolation actions (``security.isolation.actions``; ``None``: none configured)."""
    breach: BreachConfig = field(default_factory=BreachConfig)
    """The GDPR breach workflow: authority name, DPO, reminders, the Art. 34 mailer."""
    evidence: Locker | None = None
    """The forensics evidence locker of security incidents (``security.evidence``)."""
    install_secrets: SecretCache = field(default_factory=SecretCache)
    """Secrets this installation made for itself (the page-link key), read once per process."""
    token_cache: TokenCache = field(default_factory=TokenCache)
    """Bearer tokens found valid in the last few seconds (``services.token_cache.TTL``)."""

    @property
    def checklist_items(self) -> Mapping[str, Item]:
        """Every line of the checklists, by key (``3.2.1``)."""
        return items_of(self.checklists)

    def follow_up(self, uow: UnitOfWork, change: Change) -> Sequence[TimelineEvent]:
        """The timeline lines that go with ``change`` (``services.reactions.follow_up``)."""
        return reactions.follow_up(self, uow, change)

    def react(self, uow: UnitOfWork, change: Change) -> None:
        """Every feature's reaction to ``change`` (``services.reactions``), in ``uow``."""
        reactions.react(self, uow, change)
