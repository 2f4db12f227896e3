"""resolution within deadline: deferred queues' resolution counts and the queue's target share

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CALL_COUNTS = ("answered", "abandoned", "answered_within")  # optional for deferred queues
RESOLUTION = ("resolved", "resolved_within_deadline", "backlog")


def upgrade() -> None:
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resolution_target", sa.Float(), nullable=True))
    with op.batch_alter_table("actual_interval", schema=None) as batch_op:
        for name in CALL_COUNTS:
            batch_op.alter_column(name, existing_type=sa.Float(), nullable=True)
        for name in RESOLUTION:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade() -> None:
    for name in CALL_COUNTS:  # a deferred queue's rows without call counts count none
        op.execute(sa.text(f"UPDATE actual_interval SET {name} = 0 WHERE {name} IS NULL"))
    with op.batch_alter_table("actual_interval", schema=None) as batch_op:
        for name in RESOLUTION:
            batch_op.drop_column(name)
        for name in CALL_COUNTS:
            batch_op.alter_column(name, existing_type=sa.Float(), nullable=False)
    # natively (SQLite >= 3.35): a batch copy of `queue` would drop the old table and, with
    # foreign keys on, delete every row that cascades from it
    op.drop_column("queue", "resolution_target")
