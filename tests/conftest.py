"""Fixtures shared by every test module.

``db_url`` runs a test on SQLite always and on PostgreSQL when ``TOCSIN_TEST_DATABASE_URL`` is
set (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``; that database is only used to
create and drop others). Each test gets its own migrated database: on SQLite a copy of a file
migrated once per session; on PostgreSQL ``CREATE DATABASE … TEMPLATE`` from a database
migrated once per session, emptied and reused after the test if its schema is unchanged,
dropped otherwise. An unreachable PostgreSQL skips those tests
with the reason, except under ``CI=true``, where it fails them.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import make_url

from tests import github_fake as github
from tests import ntfy_fake, twilio_fake
from tests import slack_fake as slack
from tests.smtp_sink import SmtpSink
from tests.wsgi_server import fresh, running
from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock
from tocsin.adapters.db import migrate
from tocsin.adapters.db.schema import metadata
from tocsin.bootstrap.services import AppServices
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role

# Property tests are judged on their examples, not on how fast a loaded machine runs them.
hypothesis_settings.register_profile("tocsin", deadline=None)
hypothesis_settings.load_profile("tocsin")

PG_ENV = "TOCSIN_TEST_DATABASE_URL"
T0 = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def _backends() -> list[object]:
    backends: list[object] = ["sqlite"]
    if os.environ.get(PG_ENV):
        backends.append(pytest.param("postgresql", marks=pytest.mark.postgres))
    return backends


# What must be identical for a used database to be handed to the next test after a cleanup.
SCHEMA_FINGERPRINT = """
SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
  SELECT 'c:' || table_name || '.' || column_name || ':' || data_type || ':' || is_nullable
         || ':' || coalesce(column_default, '') AS x
    FROM information_schema.columns WHERE table_schema = 'public'
  UNION ALL SELECT 'i:' || indexdef FROM pg_indexes WHERE schemaname = 'public'
  UNION ALL SELECT 'k:' || conrelid::regclass || ':' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT 's:' || sequencename FROM pg_sequences WHERE schemaname = 'public'
  UNION ALL SELECT 'v:' || version_num FROM alembic_version
) AS parts
"""


@dataclass
class PgDatabases:
    """Per-test PostgreSQL databases: cloned from a migrated template, recycled when clean.

    ``CREATE DATABASE … TEMPLATE`` costs 0.1–0.25 s here; emptying a used database costs
    ~10 ms. After a test its database is emptied (other sessions terminated, every table
    deleted, every sequence restarted) and reused, but only if its schema fingerprint still
    equals the template's; a test that changed the schema (or anything failing in the
    cleanup) gets its database dropped instead.
    """

    admin: sa.engine.Engine
    base_url: sa.engine.URL
    template: str
    counter: itertools.count[int] = field(default_factory=itertools.count)
    idle: list[str] = field(default_factory=list)
    fingerprint: str = ""

    def url(self, name: str) -> str:
        return self.base_url.set(database=name).render_as_string(hide_password=False)

    def acquire(self) -> str:
        if self.idle:
            return self.idle.pop()
        name = f"{self.template}_{next(self.counter)}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return name

    def release(self, name: str) -> None:
        try:
            clean = self._empty(name)
        except sa.exc.DBAPIError:
            clean = False
        if clean:
            self.idle.append(name)
        else:
            self.drop(name)

    def read_fingerprint(self, name: str) -> str:
        engine = sa.create_engine(self.url(name), poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return str(conn.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one())
        finally:
            engine.dispose()

    def _empty(self, name: str) -> bool:
        with self.admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        engine = sa.create_engine(self.url(name), poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                if conn.exec_driver_sql(SCHEMA_FINGERPRINT).scalar_one() != self.fingerprint:
                    return False
                for table in reversed(metadata.sorted_tables):
                    conn.execute(table.delete())
                sequences = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
                for sequence in conn.exec_driver_sql(sequences).scalars().all():
                    conn.exec_driver_sql(f'ALTER SEQUENCE "{sequence}" RESTART')
            return True
        finally:
            engine.dispose()

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _unreachable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable (CI=true): {reason}")
    pytest.skip(f"{PG_ENV} is set but PostgreSQL is unreachable: {reason}")


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[PgDatabases]:
    base_url = make_url(os.environ[PG_ENV])
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unreachable(str(exc.orig).strip().splitlines()[0])
    databases = PgDatabases(admin, base_url, f"tocsin_t{os.getpid()}_{secrets.token_hex(3)}")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{databases.template}"')
    try:
        migrate.upgrade(databases.url(databases.template))
        databases.fingerprint = databases.read_fingerprint(databases.template)
        yield databases
    finally:
        for name in [*databases.idle, databases.template]:
            databases.drop(name)
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "tocsin.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a freshly migrated, empty database for this test alone."""
    if request.param == "sqlite":
        path = tmp_path / "db" / "tocsin.db"
        path.parent.mkdir()
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    pg: PgDatabases = request.getfixturevalue("pg_databases")
    name = pg.acquire()
    try:
        yield pg.url(name)
    finally:
        pg.release(name)


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A real SMTP server on loopback that keeps what it receives."""
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def slack_fake() -> Iterator[slack.FakeSlack]:
    """The fake Slack Web API on loopback (tests/slack_fake.py), fresh for each test."""
    fake = slack.start()
    yield fake
    slack.stop(fake)


@pytest.fixture(scope="session")
def github_server() -> Iterator[github.Server]:
    """The fake GitHub's server, one for the session (``github_fake`` resets it per test)."""
    yield from running(github.serve)


@pytest.fixture
def github_fake(github_server: github.Server) -> Iterator[github.FakeGitHub]:
    """The fake GitHub emptied for this test; it must have refused no request tocsin made."""
    yield from fresh(github_server)


@pytest.fixture(scope="session")
def twilio_server() -> Iterator[twilio_fake.Server]:
    """The fake Twilio's server, one for the session (``twilio`` resets it per test)."""
    yield from running(twilio_fake.serve)


@pytest.fixture
def twilio(twilio_server: twilio_fake.Server) -> Iterator[twilio_fake.FakeTwilio]:
    """The fake Twilio emptied for this test; every request tocsin sent matched Twilio's
    description."""
    yield from fresh(twilio_server)


@pytest.fixture(scope="session")
def ntfy_server() -> Iterator[ntfy_fake.Server]:
    """The fake ntfy's server, one for the session (``ntfy`` resets it per test)."""
    yield from running(ntfy_fake.serve)


@pytest.fixture
def ntfy(ntfy_server: ntfy_fake.Server) -> Iterator[ntfy_fake.FakeNtfy]:
    """The fake ntfy emptied for this test; every publish matched ntfy's documented fields."""
    yield from fresh(ntfy_server)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings.model_validate({"database": {"url": db_url}})


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[bootstrap.Container]:
    built = bootstrap.build(settings, clock=clock)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture
def services(container: bootstrap.Container) -> AppServices:
    return container.services


@pytest.fixture
def admin() -> Actor:
    return Actor("alice", Role.ADMIN)


@pytest.fixture
def responder() -> Actor:
    return Actor("rita", Role.RESPONDER)


@pytest.fixture
def viewer() -> Actor:
    return Actor("victor", Role.VIEWER)
