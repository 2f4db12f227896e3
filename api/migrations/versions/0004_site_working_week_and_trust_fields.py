"""site working week and trust fields: site.week_start_day, forecast.warnings

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing sites keep a Monday week (0); existing forecasts have no warnings (NULL)
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('week_start_day', sa.Integer(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.drop_column('warnings')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('week_start_day')
