"""Responder accounts and browser sessions (the web UI); the ``security`` role.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tocsin.adapters.db.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ROLES_BEFORE = "role IN ('viewer', 'responder', 'admin')"
ROLES_AFTER = "role IN ('viewer', 'responder', 'security', 'admin')"


ROLE_CHECK = "ck_api_tokens_role"


def _token_roles(check: str) -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f(ROLE_CHECK), type_="check")
        batch.create_check_constraint(op.f(ROLE_CHECK), check)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("disabled_at", UTCDateTime),
        sa.Column("last_sign_in_at", UTCDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint(ROLES_AFTER, name=op.f("ck_users_role")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_web_sessions_user_id_users"),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "login_failures",
        sa.Column("id", BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failures"),
    )
    op.create_index("ix_login_failures_email_at", "login_failures", ["email", "at"])
    op.create_index("ix_login_failures_client_at", "login_failures", ["client", "at"])
    _token_roles(ROLES_AFTER)


def downgrade() -> None:
    op.execute("UPDATE api_tokens SET revoked_at = created_at WHERE role = 'security' AND revoked_at IS NULL")
    op.execute("UPDATE api_tokens SET role = 'responder' WHERE role = 'security'")
    _token_roles(ROLES_BEFORE)
    op.drop_table("login_failures")
    op.drop_table("web_sessions")
    op.drop_table("users")
