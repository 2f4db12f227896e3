"""clients: a client's service targets and the queues it owns

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("service_level", sa.Float(), nullable=False),
        sa.Column("answer_within_s", sa.Float(), nullable=False),
        sa.Column("max_asa_s", sa.Float(), nullable=True),
        sa.Column("max_abandon_rate", sa.Float(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "client_queue",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["client.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["queue_id"], ["queue.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("client_id", "queue_id"),
        sa.UniqueConstraint("queue_id"),
    )


def downgrade() -> None:
    op.drop_table("client_queue")
    op.drop_table("client")
