"""HQ console (issue 11): the people who sign in to the web console, and their sessions.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("username", sa.Text(), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("password_changed_at", sa.Text(), nullable=False),
        sa.Column("disabled_at", sa.Text()),
        sa.Column("last_login_at", sa.Text()),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("locked_until", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "console_sessions",
        sa.Column("session_sha256", sa.Text(), primary_key=True),
        sa.Column("user_id", RowId, sa.ForeignKey("console_users.id"), nullable=False),
        sa.Column("csrf_token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("last_seen_at", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Text(), nullable=False),
    )
    op.create_index("ix_console_sessions_user", "console_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("console_sessions")
    op.drop_table("console_users")
