from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tocsin.adapters.db.engine import create_engine
from tocsin.adapters.db.fast import Fast
from tocsin.adapters.db.types import UTCDateTime

scratch = sa.MetaData()
stamps = sa.Table(
    "stamps", scratch, sa.Column("id", sa.Integer, primary_key=True), sa.Column("at", UTCDateTime)
)


@pytest.fixture
def conn(db_url):
    engine = create_engine(db_url)
    with engine.connect() as conn:
        scratch.create_all(conn)
        yield conn
        conn.rollback()
    engine.dispose()


def test_an_aware_datetime_comes_back_as_the_same_instant_in_utc(conn):
    paris = datetime(2026, 11, 27, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    conn.execute(stamps.insert().values(id=1, at=paris))
    stored = conn.execute(sa.select(stamps.c.at)).scalar_one()
    assert stored == paris
    assert stored.tzinfo is UTC
    assert stored.hour == 10


def test_a_naive_datetime_is_refused(conn):
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        conn.execute(stamps.insert().values(id=1, at=datetime(2026, 11, 27, 10, 0)))


def test_null_stays_null(conn):
    conn.execute(stamps.insert().values(id=1, at=None))
    assert conn.execute(sa.select(stamps.c.at)).scalar_one() is None


def test_comparisons_and_aggregates_are_in_utc(conn):
    base = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    conn.execute(stamps.insert(), [{"id": i, "at": base + timedelta(minutes=i)} for i in range(5)])
    # 10:02 written as 11:02+01:00: the comparison must still be between instants
    cutoff = (base + timedelta(minutes=2)).astimezone(timezone(timedelta(hours=1)))
    ids = conn.execute(sa.select(stamps.c.id).where(stamps.c.at <= cutoff).order_by(stamps.c.id)).scalars()
    assert list(ids) == [0, 1, 2]
    assert conn.execute(sa.select(sa.func.min(stamps.c.at))).scalar_one() == base


def test_the_intake_fast_path_stores_a_datetime_exactly_as_core_does(conn):
    """Intake writes on the driver's cursor (``adapters.db.fast``): the text stored must be
    Core's, or rows written by either path would not compare and sort together."""
    insert = Fast(stamps.insert().values(id=sa.bindparam("id"), at=sa.bindparam("at", type_=UTCDateTime())))
    paris = datetime(2026, 11, 27, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    for n, at in enumerate((paris, datetime(999, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))):
        conn.execute(stamps.insert().values(id=2 * n, at=at))
        insert.many(conn, [{"id": 2 * n + 1, "at": at}])
    raw = conn.execute(sa.text("SELECT id, CAST(at AS TEXT) FROM stamps ORDER BY id")).all()
    assert [text for _, text in raw[0::2]] == [text for _, text in raw[1::2]]
    assert conn.execute(sa.select(stamps.c.at).where(stamps.c.id == 1)).scalar_one() == paris
    with pytest.raises(ValueError, match="naive datetime"):
        insert.many(conn, [{"id": 9, "at": datetime(2026, 11, 27, 10, 0)}])


def test_the_fast_path_binds_each_datetime_as_itself_when_the_same_one_repeats(conn):
    """The fast path remembers the last datetime it converted: a repeat, or another instant in
    between, must still store each row's own instant."""
    insert = Fast(stamps.insert().values(id=sa.bindparam("id"), at=sa.bindparam("at", type_=UTCDateTime())))
    paris = datetime(2026, 11, 27, 11, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    utc = datetime(2026, 11, 27, 10, 30, 15, 123457, tzinfo=UTC)
    order = [paris, paris, utc, paris, utc, utc]
    insert.many(conn, [{"id": i, "at": at} for i, at in enumerate(order)])
    stored = conn.execute(sa.select(stamps.c.at).order_by(stamps.c.id)).scalars().all()
    assert stored == order
