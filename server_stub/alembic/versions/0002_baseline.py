"""Baseline: stations, batches, orders, items, the change feed, events, pickups, the pickups
feed. Exactly the schema of the pre-Alembic runner's version 2, so old databases are stamped
with this revision instead of being rebuilt.

Revision ID: 0002
Revises:
"""

from __future__ import annotations

from alembic import op

from server_stub.migrations import LEGACY_STEPS, render

revision = "0002"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for step in LEGACY_STEPS:
        for statement in step:
            op.execute(render(statement, dialect))


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone")
