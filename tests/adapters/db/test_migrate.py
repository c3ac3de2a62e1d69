import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tocsin.adapters.db import migrate
from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.schema import metadata


def schema_diff(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


def test_the_migrated_schema_is_exactly_the_declared_one(db_url):
    assert schema_diff(db_url) == []


def test_the_comparison_does_notice_a_difference(db_url):
    """Guards the test above: a schema drift must show up as a diff."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_jobs_status_due_at")
    engine.dispose()
    assert [d[0] for d in schema_diff(db_url)] == ["add_index"]


def test_a_migrated_database_is_current(db_url):
    assert migrate.current(db_url) == migrate.head()
    assert migrate.is_current(db_url)


def test_an_empty_database_is_not_current_until_upgraded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no alembic.ini anywhere near
    url = f"sqlite:///{tmp_path}/new/tocsin.db"
    assert migrate.current(url) is None
    assert not migrate.is_current(url)
    migrate.upgrade(url)
    assert migrate.is_current(url)
    assert schema_diff(url) == []


def test_downgrade_to_base_and_upgrade_again(db_url):
    command.downgrade(migrate.config(db_url), "base")
    engine = create_engine(db_url)
    try:
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrate.upgrade(db_url)
    assert migrate.is_current(db_url)
    assert schema_diff(db_url) == []


def test_upgrading_twice_is_a_no_op(db_url):
    migrate.upgrade(db_url)
    assert migrate.is_current(db_url)


def test_the_revisions_form_one_line_ending_at_head():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.config())
    assert len(script.get_heads()) == 1
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[0] == migrate.head()
    assert chain[-1] == "0001"


@pytest.mark.parametrize("table", sorted(metadata.tables))
def test_every_table_is_created(db_url, table):
    engine = create_engine(db_url)
    try:
        assert sa.inspect(engine).has_table(table)
    finally:
        engine.dispose()


def test_check_constraints_carry_the_names_the_schema_declares(db_url):
    """The migrations name CHECK constraints exactly as the naming convention does
    (``ck_<table>_<name>``), so a later migration can drop them by that name; compare_metadata
    does not compare CHECK constraints, hence this test."""
    engine = create_engine(db_url)
    try:
        inspector = sa.inspect(engine)
        for table in metadata.sorted_tables:
            prefix = f"ck_{table.name}_"
            names = [str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)]
            # a name is rendered through the convention once the table has been created from
            # the metadata in this process (the SQLite template), and is short before that
            expected = {name if name.startswith(prefix) else prefix + name for name in names}
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert found == expected, table.name
    finally:
        engine.dispose()


def test_0008_counts_the_alerts_of_existing_groups(db_url, services):
    """Alerts ingested before the tally existed are counted once by the migration."""
    from tests.intake_fixtures import am
    from tests.services.test_alert_tally import PROM, stored_tally
    from tocsin.adapters.alertmanager import parse_alertmanager
    from tocsin.services.intake.ingest import ingest_alerts

    notification = parse_alertmanager(am("mixed_ContainerHighMemory"), source="prom")
    ingest_alerts(services, PROM, notification)
    before = stored_tally(services, notification)
    assert (before.total, before.firing) == (2, 1)

    command.downgrade(migrate.config(db_url), "0007")
    migrate.upgrade(db_url)

    assert stored_tally(services, notification) == before
