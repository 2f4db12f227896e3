"""actuals: actual interval statistics, attendance spans and their imports

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "actual_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("first_instant", UTCDateTime(), nullable=True),
        sa.Column("last_instant", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("queue_id", "kind", "file_sha256", name="uq_actual_import_hash"),
    )
    with op.batch_alter_table("actual_import", schema=None) as batch_op:
        batch_op.create_index("ix_actual_import_queue_id", ["queue_id"], unique=False)
    op.create_table(
        "actual_interval",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("interval_start", UTCDateTime(), nullable=False),
        sa.Column("offered", sa.Float(), nullable=False),
        sa.Column("answered", sa.Float(), nullable=False),
        sa.Column("abandoned", sa.Float(), nullable=False),
        sa.Column("abandoned_short", sa.Float(), nullable=False),
        sa.Column("answered_within", sa.Float(), nullable=False),
        sa.Column("aht_s", sa.Float(), nullable=True),
        sa.Column("asa_s", sa.Float(), nullable=True),
        sa.Column("agents_staffed", sa.Float(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["actual_import.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("queue_id", "interval_start"),
    )
    op.create_table(
        "attendance_span",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=200), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["actual_import.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("queue_id", "agent", "start"),
    )


def downgrade() -> None:
    op.drop_table("attendance_span")
    op.drop_table("actual_interval")
    with op.batch_alter_table("actual_import", schema=None) as batch_op:
        batch_op.drop_index("ix_actual_import_queue_id")
    op.drop_table("actual_import")
