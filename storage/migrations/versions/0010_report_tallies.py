"""Reports counted per sender and conversation, for flood limits on intake.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_tallies',
        sa.Column('scope', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.String(length=100), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope', 'subject', 'window_start'),
    )


def downgrade() -> None:
    op.drop_table('report_tallies')
