"""``make bench-scale`` (bench/scale.py) seeds the history it claims, in tables the app reads:
a tiny scale on SQLite, read back through the repositories."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from bench.scale import Size, seed_sqlite

from tocsin import bootstrap
from tocsin.adapters.db import migrate
from tocsin.config import Settings
from tocsin.domain.access import Actor, Role
from tocsin.domain.incident import IncidentId
from tocsin.services.incidents import incidents
from tocsin.services.intake.alerts import alert_page
from tocsin.services.ports import IncidentFilter


def test_the_seeded_history_has_its_shape_and_reads_back(tmp_path: Path):
    path = tmp_path / "scale.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    size = Size.of(0.002)
    seed_sqlite(path, size)

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counted = {
            table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("incidents", "alerts", "timeline_events")
        }
        matched = conn.execute(sa.text("SELECT count(*) FROM incidents_fts WHERE incidents_fts MATCH 'host'"))
        fts_rows = matched.scalar_one()
    engine.dispose()
    assert counted == {"incidents": size.incidents, "alerts": size.alerts, "timeline_events": size.events}
    assert fts_rows == size.incidents  # every title names its host: the triggers indexed them

    container = bootstrap.build(Settings.model_validate({"database": {"url": url}}))
    try:
        admin = Actor("bench", Role.ADMIN)
        found, counts = alert_page(container.services, IncidentId(size.big_id), by=admin, limit=5, offset=0)
        assert counts.total == size.big_alerts
        assert len(found) == 5
        page = incidents.list_incidents(container.services, IncidentFilter(limit=1), by=admin)
        assert page.total == size.incidents
    finally:
        container.close()
