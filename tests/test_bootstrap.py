import subprocess
import sys
from datetime import UTC, datetime

import sqlalchemy as sa

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock, SystemClock
from tocsin.adapters.db.jobs import JobStore
from tocsin.config import Settings
from tocsin.domain.severity import Severity
from tocsin.services.incidents import incidents


def test_build_wires_services_on_the_configured_database(container, settings, clock, responder):
    assert container.settings is settings
    assert container.clock is clock
    assert container.services.clock is clock
    assert container.engine.url.render_as_string(hide_password=False) == settings.database.url
    assert isinstance(container.jobs, JobStore)
    assert container.services.plan.response_time(Severity.P0) == settings.plan().response_time(Severity.P0)
    created = incidents.declare_incident(container.services, title="x", severity=Severity.P2, by=responder)
    assert [j.max_attempts for j in container.jobs.list()] == [settings.worker.max_attempts]
    assert created.detected_at == clock.now()


def test_the_real_clock_is_the_default(db_url):
    built = bootstrap.build(Settings.model_validate({"database": {"url": db_url}}))
    try:
        assert isinstance(built.clock, SystemClock)
        assert built.services.clock is built.clock
    finally:
        built.close()


def test_close_releases_every_pooled_connection(settings):
    built = bootstrap.build(settings, clock=ManualClock(datetime(2026, 11, 27, tzinfo=UTC)))
    with built.engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert built.engine.pool.checkedin() == 1
    built.close()
    assert built.engine.pool.checkedin() == 0


def test_building_creates_no_schema(tmp_path):
    """Migrations are an explicit step (``tocsin db upgrade``); build only connects lazily."""
    path = tmp_path / "fresh.db"
    built = bootstrap.build(Settings.model_validate({"database": {"url": f"sqlite:///{path}"}}))
    built.close()
    assert not path.exists()


def test_importing_creates_nothing():
    code = (
        "import sys, tocsin.bootstrap, tocsin.worker.runner, tocsin.adapters.db.migrate;"
        "assert 'psycopg' not in sys.modules, 'a PostgreSQL driver was loaded at import'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""})
