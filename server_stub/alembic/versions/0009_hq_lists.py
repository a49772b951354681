"""HQ's one view of the chain (issue 11): the batch's day and commission rate, the order's
value and phone last 4 digits, and the indexes the HQ lists and reports read by.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

HQ_TZ = timezone(timedelta(hours=8))  # HQ's days are China Standard Time (as CSV import)
_INDEXES = (
    ("ix_batches_day", "batches", ["day", "batch_id"]),
    ("ix_batches_station_day", "batches", ["station_id", "day", "batch_id"]),
    ("ix_batches_arrived", "batches", ["arrived_at"]),
    ("ix_orders_station_order", "orders", ["station_id", "order_id"]),
    ("ix_orders_last4", "orders", ["phone_last4", "order_id"]),
    # status counts (waiting, returned, cancelled...) from the index alone
    ("ix_orders_state", "orders", ["status", "active_pickup", "removed", "order_id"]),
    # covers the per-batch sums (batch list, commission): read from the index alone
    ("ix_orders_batch_figures", "orders",
     ["batch_id", "status", "removed", "active_pickup", "value_cents"]),
    ("ix_pickups_picked_up", "pickups", ["picked_up_at"]),
    ("ix_pickups_station_time", "pickups", ["station_id", "picked_up_at"]),
    ("ix_events_type_occurred", "events", ["type", "occurred_at"]),
    ("ix_order_returns_returned", "order_returns", ["returned_at"]),
)


def _day(stamp: str) -> str:
    dt = datetime.fromisoformat(stamp)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(HQ_TZ).date().isoformat()


def _backfill(conn) -> None:
    rows = conn.execute(sa.text("SELECT batch_id, expected_at, created_at FROM batches")).all()
    if rows:
        conn.execute(sa.text("UPDATE batches SET day = :day WHERE batch_id = :id"),
                     [{"id": r[0], "day": _day(r[1] or r[2])} for r in rows])
    phones = conn.execute(sa.text("SELECT order_id, phone FROM orders")).all()
    if phones:
        conn.execute(sa.text("UPDATE orders SET phone_last4 = :d WHERE order_id = :id"),
                     [{"id": r[0], "d": "".join(c for c in r[1] if c in "0123456789")[-4:]}
                      for r in phones])
    conn.execute(sa.text(
        "UPDATE orders SET value_cents = (SELECT COALESCE(SUM(i.qty * i.unit_price_cents), 0) "
        "FROM order_items i WHERE i.order_id = orders.order_id)"))


def upgrade() -> None:
    op.add_column("batches", sa.Column("day", sa.Text()))
    op.add_column("batches", sa.Column("commission_rate", sa.Integer()))
    op.add_column("orders", sa.Column("phone_last4", sa.Text(), nullable=False,
                                      server_default=sa.text("''")))
    op.add_column("orders", sa.Column("value_cents", sa.BigInteger(), nullable=False,
                                      server_default=sa.text("0")))
    _backfill(op.get_bind())
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table("orders") as o:
        o.drop_column("value_cents")
        o.drop_column("phone_last4")
    with op.batch_alter_table("batches") as b:
        b.drop_column("commission_rate")
        b.drop_column("day")
