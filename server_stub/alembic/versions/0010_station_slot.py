"""The slot each order was given at its station's sign-off (`slots_assigned`, issue 11): what
the customer's "ready for pickup" notice tells them. HQ's own `shelf_slot` (from the manifest)
stays as it was sent.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("station_slot", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("station_slot")
