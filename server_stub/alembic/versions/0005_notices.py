"""Notices to customers (issue 11): the notification outbox HQ's notifier delivers.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
        sa.Column("cause_key", sa.Text(), nullable=False, unique=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text()),
        sa.Column("event_id", sa.Text()),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0")),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_attempt_at", sa.Text()),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("next_attempt_at", sa.Text(), nullable=False),
        sa.Column("deadline_at", sa.Text()),
        sa.Column("lease_until", sa.Text()),
        sa.Column("delivered_at", sa.Text()),
        sa.Column("dead_at", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notices_due", "notices", ["state", "next_attempt_at"])
    op.create_index("ix_notices_order", "notices", ["order_id"])
    op.create_index("ix_notices_station", "notices", ["station_id", "id"])
    op.create_index("ix_notices_created", "notices", ["created_at"])


def downgrade() -> None:
    op.drop_table("notices")
