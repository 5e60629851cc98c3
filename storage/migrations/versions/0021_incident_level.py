"""Response levels: an incident's level (1 the gravest) and its name as shown when set.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('level', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('level_name', sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.drop_column('level_name')
        batch.drop_column('level')
