"""HQ's needs-review queue (issue 11): hand-overs after a cancel, double redemptions, shelf-count
discrepancies, returns; each resolved with a note.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text()),
        sa.Column("batch_id", sa.Text()),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False, server_default=sa.text("'open'")),
        sa.Column("note", sa.Text()),
        sa.Column("resolved_at", sa.Text()),
        sa.Column("resolved_by", sa.Text()),  # HQ console user, or "api" (the admin token)
        sa.UniqueConstraint("station_id", "event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_review_items_state", "review_items", ["state", "id"])
    op.create_index("ix_review_items_station", "review_items", ["station_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_review_items_station", "review_items")
    op.drop_index("ix_review_items_state", "review_items")
    op.drop_table("review_items")
