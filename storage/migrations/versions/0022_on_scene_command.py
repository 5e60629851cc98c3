"""On-scene command: who commands at the scene, and their latest situation report.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('commander', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('commander_id', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('commander_unit', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('situation', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        for column in ('situation', 'commander_unit', 'commander_id', 'commander'):
            batch.drop_column(column)
