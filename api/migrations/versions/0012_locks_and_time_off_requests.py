"""roster locks, time-off requests, hours absences and the contract's leave credit

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("leave_paid_minutes", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("end_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("request_id", sa.Integer(), nullable=True))
    op.create_table(
        "roster_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=40), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["roster_id"], ["roster.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roster_lock", schema=None) as batch_op:
        batch_op.create_index("ix_roster_lock_roster_id", ["roster_id"], unique=False)
    op.create_table(
        "time_off_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.Column("end_minute", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("time_off_request", schema=None) as batch_op:
        batch_op.create_index("ix_time_off_request_agent_id", ["agent_id"], unique=False)
        batch_op.create_index("ix_time_off_request_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("time_off_request", schema=None) as batch_op:
        batch_op.drop_index("ix_time_off_request_status")
        batch_op.drop_index("ix_time_off_request_agent_id")
    op.drop_table("time_off_request")
    with op.batch_alter_table("roster_lock", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_lock_roster_id")
    op.drop_table("roster_lock")
    with op.batch_alter_table("time_off", schema=None) as batch_op:
        batch_op.drop_column("request_id")
        batch_op.drop_column("end_minute")
        batch_op.drop_column("start_minute")
    with op.batch_alter_table("contract", schema=None) as batch_op:
        batch_op.drop_column("leave_paid_minutes")
