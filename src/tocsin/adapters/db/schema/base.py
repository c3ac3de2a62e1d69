"""What every table module shares: the metadata (with its constraint naming convention) and
the enumerations several tables check."""

from __future__ import annotations

import sqlalchemy as sa

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

SEVERITIES = ("P0", "P1", "P2", "P3")
PHASES = ("detection", "triage", "resolution", "post_incident", "closed")
JOB_STATUSES = ("pending", "running", "done", "dead", "cancelled")
ROLES = ("viewer", "responder", "security", "admin")


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
