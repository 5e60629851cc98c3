"""A unit may bind a Telegram channel: posts there carry no buttons.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('roster_bindings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('announce_only', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('roster_bindings', schema=None) as batch_op:
        batch_op.drop_column('announce_only')
