"""roster versions, schedule publications and agents' schedule links

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("edit", sa.JSON(), nullable=True),
        sa.Column("author_token_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("violations", sa.JSON(), nullable=False),
        sa.Column("kpis", sa.JSON(), nullable=False),
        sa.Column("coverage", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["roster_id"], ["roster.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("roster_id", "number", name="uq_roster_version_number"),
    )
    with op.batch_alter_table("roster_version", schema=None) as batch_op:
        batch_op.create_index("ix_roster_version_roster_id", ["roster_id"], unique=False)
    op.create_table(
        "schedule_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roster_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author_token_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["roster_id"], ["roster.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("schedule_publication", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_publication_roster_id", ["roster_id"], unique=False)
        batch_op.create_index("ix_schedule_publication_site_id", ["site_id"], unique=False)
        batch_op.create_index("ix_schedule_publication_week_start", ["week_start"], unique=False)
    op.create_table(
        "agent_schedule_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("secret_sha256"),
    )
    with op.batch_alter_table("agent_schedule_link", schema=None) as batch_op:
        batch_op.create_index("ix_agent_schedule_link_agent_id", ["agent_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("agent_schedule_link", schema=None) as batch_op:
        batch_op.drop_index("ix_agent_schedule_link_agent_id")
    op.drop_table("agent_schedule_link")
    with op.batch_alter_table("schedule_publication", schema=None) as batch_op:
        batch_op.drop_index("ix_schedule_publication_week_start")
        batch_op.drop_index("ix_schedule_publication_site_id")
        batch_op.drop_index("ix_schedule_publication_roster_id")
    op.drop_table("schedule_publication")
    with op.batch_alter_table("roster_version", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_version_roster_id")
    op.drop_table("roster_version")
