"""The stations' hand-over journals (issue 11): the links their events carry, checked on
ingest, walked by GET /api/v1/stations/{id}/journal/verify.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "journal_entries",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("station_id", sa.Text(), nullable=False),
        sa.Column("seq", RowId, nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("record_id", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("hash_ok", sa.Integer(), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("received_at", sa.Text(), nullable=False),
        sa.UniqueConstraint("station_id", "event_id", name="uq_journal_entries_event"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_journal_entries_seq", "journal_entries", ["station_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_journal_entries_seq", table_name="journal_entries")
    op.drop_table("journal_entries")
