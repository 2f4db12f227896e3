"""site roster publications: a schedule publication freezes a roster's version or a site
roster, and names the agents whose weeks it publishes

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables_schedule import PUBLICATION_SOURCE

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("schedule_publication", schema=None) as batch_op:
        batch_op.alter_column("roster_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("site_roster_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_schedule_publication_site_roster_id", "site_roster", ["site_roster_id"], ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(
            "ix_schedule_publication_site_roster_id", ["site_roster_id"], unique=False
        )
        batch_op.create_check_constraint("ck_publication_source", PUBLICATION_SOURCE)
        batch_op.add_column(sa.Column("agents", sa.JSON(), nullable=True))


def downgrade() -> None:
    # the old schema has no place for a site roster's publication: those rows go
    op.execute(sa.text("DELETE FROM schedule_publication WHERE site_roster_id IS NOT NULL"))
    with op.batch_alter_table("schedule_publication", schema=None) as batch_op:
        batch_op.drop_column("agents")
        batch_op.drop_constraint("ck_publication_source", type_="check")
        batch_op.drop_index("ix_schedule_publication_site_roster_id")
        batch_op.drop_constraint("fk_schedule_publication_site_roster_id", type_="foreignkey")
        batch_op.drop_column("site_roster_id")
        batch_op.alter_column("roster_id", existing_type=sa.Integer(), nullable=False)
