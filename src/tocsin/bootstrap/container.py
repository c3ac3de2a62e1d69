"""The composition root: the one place that chooses concrete adapters and wires them.

``build(settings)`` creates the engine, the unit-of-work factory, the clock and the job store
once; entrypoints (web, worker, CLI) receive the resulting ``Container``. Nothing here runs at
import time.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from tocsin.adapters.clock import SystemClock
from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.figures import SqlIncidentFigures
from tocsin.adapters.db.jobs import JobStore
from tocsin.adapters.db.uow import SqlUnitOfWork
from tocsin.adapters.db.wakeup import Listener, Wakeup
from tocsin.adapters.hooks import HOOK_KINDS
from tocsin.adapters.passwords import Argon2Passwords
from tocsin.adapters.runbooks import RunbookDirectory
from tocsin.bootstrap.breach import build_breach
from tocsin.bootstrap.evidence import build_locker
from tocsin.bootstrap.github import build_github
from tocsin.bootstrap.isolation import build_isolation
from tocsin.bootstrap.paging import build_paging
from tocsin.bootstrap.services import AppServices
from tocsin.bootstrap.slack import build_slack, with_direct_messages
from tocsin.bootstrap.statuspage import build_statuspage
from tocsin.config import Settings
from tocsin.config.checklists import build_checklists
from tocsin.domain.source import SourceKind
from tocsin.services.access.ports import PasswordHasher
from tocsin.services.incidents.figures import IncidentFigures
from tocsin.services.intake.kinds import HookKinds
from tocsin.services.ports import Clock
from tocsin.services.statuspage.export import SiteFactory


@dataclass(frozen=True, slots=True)
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    services: AppServices
    jobs: JobStore
    passwords: PasswordHasher
    wakeup: Wakeup = field(default_factory=Wakeup)  # rung when a commit enqueued jobs due now
    hook_kinds: HookKinds = HOOK_KINDS  # the webhook source kinds: route, parser, credentials, label

    @property
    def figures(self) -> IncidentFigures:
        """The read model behind ``/metrics`` (aggregate queries, read-only)."""
        return SqlIncidentFigures(self.engine)

    def close(self) -> None:
        """Close the engine's pooled connections; the container is unusable afterwards."""
        self.engine.dispose()

    def listen(self) -> AbstractContextManager[object]:
        """While open, jobs enqueued by other processes ring ``wakeup`` too (PostgreSQL
        ``LISTEN``; on SQLite, jobs enqueued by another process wait for the poll)."""
        if self.engine.dialect.name != "postgresql":
            return nullcontext()
        return Listener(self.engine, self.wakeup)


def build(
    settings: Settings, *, clock: Clock | None = None, static_site: SiteFactory | None = None
) -> Container:
    """Wire tocsin for ``settings``. Does not touch the schema: run the migrations first
    (``tocsin db upgrade``).

    ``static_site`` writes ``statuspage.export_dir`` (its renderer is in the web layer, which
    this module must not import): processes that run the worker pass it. Without it, public
    changes still enqueue their export job, for a worker that has it.
    """
    clock = clock or SystemClock()
    engine = create_engine(settings.database.url, echo=settings.database.echo)
    max_attempts = settings.worker.max_attempts
    wakeup = Wakeup()

    def unit_of_work() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, clock, max_attempts=max_attempts, wakeup=wakeup)

    def read_only() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, clock, max_attempts=max_attempts, read_only=True)

    github = build_github(settings)  # None unless github.repository is set
    paging = build_paging(settings, clock)  # directory, escalation policies, channels
    paging = with_direct_messages(paging, settings)  # + the slack DM channel when Slack is on
    services = AppServices(
        uow=unit_of_work,
        read=read_only,
        clock=clock,
        plan=settings.plan(),
        paging=paging,
        slack=build_slack(settings),  # None unless slack.bot_token is set
        statuspage=build_statuspage(settings, static_site),  # components, customer email, mailer, export
        github=github,
        report_timezone=ZoneInfo(settings.reports.timezone),
        diagnostics=settings.diagnostics.to_domain(),  # None unless diagnostics.grafana_url is set
        deploy_window=settings.deploys.window,
        deploys_arrive=any(source.kind is SourceKind.DEPLOY for source in settings.sources.values())
        or (github is not None and settings.github.webhook_secret is not None),  # the two ways in
        checklists=build_checklists(settings.checklists),  # the plan's lines unless configured
        runbooks=RunbookDirectory(Path(settings.runbooks.dir)) if settings.runbooks.dir else None,
        isolation=build_isolation(settings),  # None unless security.isolation.actions are configured
        breach=build_breach(settings),  # GDPR authority, DPO, reminders, the Art. 34 mailer
        evidence=build_locker(settings),  # security.evidence: the directory (made on first use), Loki
    )
    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        services=services,
        jobs=JobStore(engine),
        passwords=Argon2Passwords(),
        wakeup=wakeup,
    )
