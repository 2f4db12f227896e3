"""token last used: when a request last authenticated with each access token

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.tables import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("access_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    # natively (SQLite >= 3.35): a batch copy of a parent table would drop it and, with foreign
    # keys on, delete what cascades from it
    op.drop_column("access_token", "last_used_at")
