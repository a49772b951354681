"""The leader's day (issue 10): counts by product, corrections, returns, reminders, batch
closing at the station, day closings.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.sqlite import REAL

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _serial(name: str) -> sa.Column:
    return sa.Column(name, RowId, primary_key=True, autoincrement=True)


def upgrade() -> None:
    # plain ADD COLUMN (SQLite can): no table rebuild, the foreign keys to batches stay
    op.add_column("batches", sa.Column("by_product", sa.Integer(), nullable=False,
                                       server_default=sa.text("0")))
    for column in ("receive_rule", "station_state", "station_state_at", "closed_at",
                   "closed_counts"):
        op.add_column("batches", sa.Column(column, sa.Text()))
    op.create_table(
        "batch_receipts",
        sa.Column("batch_id", sa.Text(), primary_key=True),
        sa.Column("sku", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
    )
    op.create_table(
        "batch_corrections",
        _serial("id"),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("sku", sa.Text(), nullable=False),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("received_before", sa.Integer(), nullable=False),
        sa.Column("received_after", sa.Integer(), nullable=False),
        sa.Column("surplus", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("operator_id", sa.Text()),
        sa.Column("occurred_at", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_batch_corrections_batch", "batch_corrections", ["batch_id"])
    op.create_table(
        "line_shorts",
        sa.Column("order_id", sa.Text(), primary_key=True),
        sa.Column("sku", sa.Text(), primary_key=True),
        sa.Column("qty_short", sa.Integer(), nullable=False),
        sa.Column("corrected_at", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
    )
    op.create_table(
        "order_returns",
        sa.Column("order_id", sa.Text(), primary_key=True),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("returned_at", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("shelf_slot", sa.Text()),
        sa.Column("items", sa.Text(), nullable=False),
    )
    op.create_index("ix_order_returns_batch", "order_returns", ["batch_id"])
    op.create_table(
        "reminder_requests",
        _serial("id"),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("order_id", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Text()),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text()),
        sa.Column("shelf_slot", sa.Text()),
        sa.Column("days_waiting", sa.Double().with_variant(REAL(), "sqlite")),
        sa.Column("requested_at", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.Column("notified_at", sa.Text()),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reminder_requests_station", "reminder_requests", ["station_id", "id"])
    op.create_index("ix_reminder_requests_order", "reminder_requests", ["order_id"])
    op.create_table(
        "day_closings",
        sa.Column("station_id", sa.Text(), primary_key=True),
        sa.Column("day", sa.Text(), primary_key=True),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("operator_id", sa.Text()),
        sa.Column("closed_at", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("operators", sa.Text(), nullable=False),
        sa.Column("counted", sa.Text(), nullable=False),
        sa.Column("discrepancies", sa.Text(), nullable=False),
        sa.Column("discrepancy_count", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("day_closings", "reminder_requests", "order_returns", "line_shorts",
                  "batch_corrections", "batch_receipts"):
        op.drop_table(table)
    with op.batch_alter_table("batches") as b:
        for column in ("closed_counts", "closed_at", "station_state_at", "station_state",
                       "receive_rule", "by_product"):
            b.drop_column(column)
