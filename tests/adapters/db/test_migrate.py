import json

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
            options = {"compare_type": True, "include_name": migrate.managed}
            return compare_metadata(MigrationContext.configure(conn, opts=options), metadata)
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


def test_0019_moves_the_status_mails_into_the_one_deliveries_table(db_url):
    """Queued and sent status-page mails become ``mail`` deliveries with the same key, text and
    outcome; a pending mail's job follows its row, and going down brings them back."""
    from datetime import UTC, datetime

    from tocsin.adapters.db.types import UTCDateTime, json_type

    at = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    command.downgrade(migrate.config(db_url), "0017")
    engine = create_engine(db_url)
    try:
        mails = sa.table(
            "status_mails",
            *(sa.column(c) for c in ("id", "key", "incident_id", "recipient", "subject", "body")),
            *(sa.column(c, UTCDateTime()) for c in ("created_at", "sent_at")),
            sa.column("reference"),
        )
        jobs = sa.table(
            "jobs",
            *(sa.column(c) for c in ("kind", "status", "attempts", "max_attempts", "idempotency_key")),
            sa.column("payload", json_type()),
            *(sa.column(c, UTCDateTime()) for c in ("due_at", "created_at", "updated_at")),
        )
        sent = {"sent_at": at, "reference": "<m1@tocsin>"}
        with engine.begin() as conn:
            conn.execute(
                mails.insert(),
                [
                    {"id": 7, "key": "subscribe:3:abc", "recipient": "a@example.org", "subject": "Confirm"}
                    | {"body": "Click", "created_at": at, "incident_id": None}
                    | sent,
                    {"id": 8, "key": "update:5:4", "recipient": "b@example.org", "subject": "[Acme] Down"}
                    | {
                        "body": "Body",
                        "created_at": at,
                        "incident_id": None,
                        "sent_at": None,
                        "reference": None,
                    },
                ],
            )
            conn.execute(
                jobs.insert().values(
                    kind="statuspage.mail",
                    payload={"mail_id": 8},
                    status="pending",
                    attempts=0,
                    max_attempts=5,
                    idempotency_key="statuspage.mail:8",
                    due_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
        migrate.upgrade(db_url)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT id, idempotency_key, channel, recipient, purpose, subject, body, status,"
                    " reference FROM deliveries ORDER BY id"
                )
            ).all()
            job = conn.execute(sa.text("SELECT payload, idempotency_key FROM jobs")).one()
        assert [r[1:] for r in rows] == [
            ("subscribe:3:abc", "email", "a@example.org", "mail", "Confirm", "Click", "sent", "<m1@tocsin>"),
            ("update:5:4", "email", "b@example.org", "mail", "[Acme] Down", "Body", "pending", None),
        ]
        payload = job[0] if isinstance(job[0], dict) else json.loads(job[0])
        assert payload == {"mail_id": rows[1][0]}
        assert job[1] == f"mail:{rows[1][0]}"

        command.downgrade(migrate.config(db_url), "0017")
        with engine.connect() as conn:
            back = conn.execute(
                sa.text("SELECT key, subject, sent_at IS NOT NULL FROM status_mails ORDER BY id")
            ).all()
            left = conn.execute(sa.text("SELECT count(*) FROM deliveries")).scalar_one()
        assert [tuple(r) for r in back] == [
            ("subscribe:3:abc", "Confirm", True),
            ("update:5:4", "[Acme] Down", False),
        ]
        assert left == 0
    finally:
        engine.dispose()
    migrate.upgrade(db_url)


def test_0020_moves_the_art34_send_state_into_the_one_deliveries_table(db_url, services, clock):
    """Going down, each address's state, error and time come back into ``breach_recipients``;
    going up again they move into ``art34`` deliveries keyed by the address's id: the breach
    page reads the same addresses, states and counts, and a queued batch's ids still name them."""
    from tocsin.domain.access import Actor, Role
    from tocsin.domain.breach import Assessment, Risk
    from tocsin.domain.breach_communication import DeliveryState, Summary
    from tocsin.domain.severity import Severity
    from tocsin.services.incidents import flags, incidents
    from tocsin.services.security import breach_communication, breaches

    sam = Actor("sam", Role.SECURITY)
    leak = incidents.declare_incident(services, title="Customer table dumped", severity=Severity.P0, by=sam)
    flags.mark_security_incident(services, leak.id, by=sam)
    breaches.assess_breach(services, leak.id, Assessment(risk=Risk.HIGH), by=sam)
    csv = "email,name\nann@example.org,Ann\nbob@example.org,Bob\ncleo@example.org,Cleo\n"
    breach_communication.upload(services, leak.id, csv, by=sam)

    def seen():
        with services.read() as uow:
            found = uow.breaches.recipients(leak.id)
            return found, uow.breaches.summary(leak.id), uow.breaches.pending_ids(leak.id)

    ann, bob, cleo = seen()[0]
    with services.uow() as uow:
        uow.breaches.mark(ann.id, DeliveryState.SENT, clock.now())
        uow.breaches.mark(bob.id, DeliveryState.FAILED, clock.now(), "550 no such user")
        uow.commit()
    before = seen()
    assert [(r.email, r.state, r.error, r.sent_at is not None) for r in before[0]] == [
        ("ann@example.org", DeliveryState.SENT, "", True),
        ("bob@example.org", DeliveryState.FAILED, "550 no such user", False),
        ("cleo@example.org", DeliveryState.PENDING, "", False),
    ]
    assert before[1:] == (Summary(pending=1, sent=1, failed=1), [cleo.id])

    command.downgrade(migrate.config(db_url), "0019")
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "SELECT id, email, state, error, sent_at IS NOT NULL FROM breach_recipients ORDER BY id"
                )
            ).all()
            left = conn.execute(
                sa.text("SELECT count(*) FROM deliveries WHERE purpose = 'art34'")
            ).scalar_one()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("deliveries")}
        assert [tuple(r) for r in back] == [
            (ann.id, "ann@example.org", "sent", "", True),
            (bob.id, "bob@example.org", "failed", "550 no such user", False),
            (cleo.id, "cleo@example.org", "pending", "", False),
        ]
        assert left == 0
        assert "error" not in columns

        migrate.upgrade(db_url)
        with engine.connect() as conn:
            keys = conn.execute(
                sa.text("SELECT idempotency_key, status FROM deliveries WHERE purpose = 'art34' ORDER BY id")
            ).all()
            columns = {c["name"] for c in sa.inspect(conn).get_columns("breach_recipients")}
    finally:
        engine.dispose()
    assert [tuple(k) for k in keys] == [
        (f"breach34:{leak.id}:{ann.id}", "sent"),
        (f"breach34:{leak.id}:{bob.id}", "failed"),
        (f"breach34:{leak.id}:{cleo.id}", "pending"),
    ]
    assert columns == {"id", "incident_id", "email", "email_key", "name", "line"}
    assert seen() == before
    with services.read() as uow:  # a batch queued before the upgrade names its addresses by id
        queued = uow.breaches.recipients_by_id(leak.id, [ann.id, cleo.id])
    assert [(r.email, r.state) for r in queued] == [
        ("ann@example.org", DeliveryState.SENT),
        ("cleo@example.org", DeliveryState.PENDING),
    ]
