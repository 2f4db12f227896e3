"""site rosters: queue weight and deadline, the site_roster table

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weight", sa.Float(), nullable=False, server_default="1.0"))
        batch_op.add_column(sa.Column("deadline_minutes", sa.Integer(), nullable=True))
    op.create_table(
        "site_roster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.Column("requirement_ids", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("cost", sa.JSON(), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("explanations", sa.JSON(), nullable=False),
        sa.Column("what_if", sa.JSON(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("site_roster", schema=None) as batch_op:
        batch_op.create_index("ix_site_roster_job_id", ["job_id"], unique=False)
        batch_op.create_index("ix_site_roster_site_id", ["site_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_roster", schema=None) as batch_op:
        batch_op.drop_index("ix_site_roster_site_id")
        batch_op.drop_index("ix_site_roster_job_id")
    op.drop_table("site_roster")
    with op.batch_alter_table("queue", schema=None) as batch_op:
        batch_op.drop_column("deadline_minutes")
        batch_op.drop_column("weight")
