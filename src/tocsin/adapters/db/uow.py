"""The unit of work: one connection, one transaction, the repositories bound to it."""

from __future__ import annotations

import zlib
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from tocsin.adapters.db.alerts import SqlAlertRepository
from tocsin.adapters.db.breaches import SqlBreachRepository
from tocsin.adapters.db.compliance import SqlComplianceReader
from tocsin.adapters.db.contacts import SqlContactRepository
from tocsin.adapters.db.deploys import SqlDeployRepository
from tocsin.adapters.db.engine import READ_ONLY, is_postgresql
from tocsin.adapters.db.escalation import SqlDeliveryRepository, SqlEscalationRepository
from tocsin.adapters.db.evidence import SqlEvidenceRepository
from tocsin.adapters.db.feeds import SqlFeedRepository
from tocsin.adapters.db.github import SqlGithubRepository
from tocsin.adapters.db.page_links import SqlInstallSecretRepository, SqlPageLinkRepository
from tocsin.adapters.db.postmortems import SqlPostMortemRepository
from tocsin.adapters.db.queue import SqlJobQueue
from tocsin.adapters.db.repositories import SqlIncidentRepository
from tocsin.adapters.db.sends import SqlSendRepository
from tocsin.adapters.db.slack import SqlSlackChannelRepository, SqlSlackMessageRepository
from tocsin.adapters.db.statuspage import SqlStatusPageRepository
from tocsin.adapters.db.timeline import SqlTimelineRepository
from tocsin.adapters.db.tokens import SqlTokenRepository
from tocsin.adapters.db.users import SqlSessionRepository, SqlUserRepository
from tocsin.adapters.db.wakeup import CHANNEL, Wakeup
from tocsin.services.access.ports import SessionRepository, UserRepository
from tocsin.services.github.ports import GithubRepository
from tocsin.services.incidents.deploy_ports import DeployRepository
from tocsin.services.incidents.postmortem_ports import ComplianceReader, PostMortemRepository
from tocsin.services.intake.ports import AlertRepository
from tocsin.services.outbound.ports import SendRepository
from tocsin.services.paging.contact_ports import ContactRepository
from tocsin.services.paging.page_link_ports import InstallSecretRepository, PageLinkRepository
from tocsin.services.paging.ports import DeliveryRepository, EscalationRepository, FeedRepository
from tocsin.services.ports import Clock, IncidentRepository, JobQueue, TimelineRepository, TokenRepository
from tocsin.services.security.breach_ports import BreachRepository
from tocsin.services.security.evidence_ports import EvidenceRepository
from tocsin.services.slack.ports import SlackChannelRepository, SlackMessageRepository
from tocsin.services.statuspage.ports import StatusPageRepository


class SqlUnitOfWork:
    """Use as a context manager; nothing is written unless ``commit()`` is called.

    ``read_only`` units of work are for queries: they cannot commit, and on SQLite they begin
    deferred instead of taking the write lock, so reads never queue behind writers. On
    PostgreSQL they run in autocommit: under READ COMMITTED each statement sees its own snapshot
    in a transaction too, so that costs no consistency and saves ``BEGIN`` and ``ROLLBACK``.

    The transaction begins at the first statement (on SQLite with ``BEGIN IMMEDIATE``). After
    ``commit()`` or ``rollback()`` the next statement begins a new transaction; leaving the
    block rolls back whatever was not committed and returns the connection to the pool.
    """

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
    _queue: SqlJobQueue

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        max_attempts: int,
        read_only: bool = False,
        wakeup: Wakeup | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._clock = clock
        self._max_attempts = max_attempts
        self._conn: Connection | None = None
        self._wakeup = wakeup

    @property
    def connection(self) -> Connection:
        """The open connection, for adapters that share this transaction."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._conn

    def __enter__(self) -> Self:
        if self._conn is not None:
            raise RuntimeError("the unit of work is already open")
        conn = self._engine.connect()
        if self._read_only:
            # PostgreSQL: no BEGIN/ROLLBACK around the queries (see ``engine``); SQLite: BEGIN deferred
            options = {"isolation_level": "AUTOCOMMIT"} if is_postgresql(conn) else {READ_ONLY: True}
            conn.execution_options(**options)
        self._conn = conn
        self.incidents = SqlIncidentRepository(conn)
        self.timeline = SqlTimelineRepository(conn)
        self.jobs = self._queue = SqlJobQueue(conn, self._clock, self._max_attempts)
        self.tokens = SqlTokenRepository(conn)
        self.alerts = SqlAlertRepository(conn)
        self.escalations = SqlEscalationRepository(conn)
        self.deliveries = SqlDeliveryRepository(conn)
        self.feeds = SqlFeedRepository(conn)
        self.users = SqlUserRepository(conn)
        self.sessions = SqlSessionRepository(conn)
        self.github = SqlGithubRepository(conn)
        self.slack_messages = SqlSlackMessageRepository(conn)
        self.slack_channels = SqlSlackChannelRepository(conn)
        self.statuspage = SqlStatusPageRepository(conn)
        self.postmortems = SqlPostMortemRepository(conn)
        self.compliance = SqlComplianceReader(conn)
        self.deploys = SqlDeployRepository(conn)
        self.breaches = SqlBreachRepository(conn)
        self.evidence = SqlEvidenceRepository(conn)
        self.sends = SqlSendRepository(conn)
        self.page_links = SqlPageLinkRepository(conn)
        self.install_secrets = SqlInstallSecretRepository(conn)
        self.contacts = SqlContactRepository(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        finally:
            conn.close()

    def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        conn = self.connection
        wakeup = self._wakeup if self._queue.due_soon else None  # a job due (soon): wake the workers
        if wakeup is not None and is_postgresql(conn):  # delivered to other processes if this commits
            conn.execute(sa.select(sa.func.pg_notify(CHANNEL, wakeup.token)))
        conn.commit()
        self._queue.due_soon = False
        if wakeup is not None:
            wakeup.notify()

    def rollback(self) -> None:
        self.connection.rollback()
        self._queue.due_soon = False

    def hold(self, topic: str, key: int) -> None:
        conn = self.connection
        if self._read_only:
            raise RuntimeError("a read-only unit of work holds no lock")
        if is_postgresql(conn):
            namespace = zlib.crc32(topic.encode()) & 0x7FFFFFFF  # the lock's first int4
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(namespace, key)))
