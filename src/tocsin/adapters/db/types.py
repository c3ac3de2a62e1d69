"""Column types that make both databases behave alike.

``UTCDateTime`` is the only datetime column type in the schema: it refuses naive datetimes on
the way in (a naive value is a bug: whose local time?), stores UTC, and always returns aware
UTC datetimes. SQLite has no time zones, so the UTC value is stored as text without an offset
(which also keeps it sortable) and the zone is put back on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware UTC datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):  # pragma: no cover - drivers return datetimes
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def json_type() -> sa.types.TypeEngine[Any]:
    """JSON everywhere; JSONB on PostgreSQL (indexable, compact)."""
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def bigint_pk() -> sa.types.TypeEngine[int]:
    """A 64-bit key on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit (and is the rowid)."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
