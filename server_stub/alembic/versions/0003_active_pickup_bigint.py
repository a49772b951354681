"""orders.active_pickup points at pickups.id: make it as wide (BIGINT) on PostgreSQL.
SQLite integers are 64-bit already.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("orders", "active_pickup", type_=sa.BigInteger(),
                        existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("orders", "active_pickup", type_=sa.Integer(),
                        existing_type=sa.BigInteger())
