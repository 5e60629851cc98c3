"""Escalation policies (#18): how many steps of its policy a roll-call has taken, and a red
alert's next step for the units that have not confirmed it.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('rollcalls') as batch:
        batch.add_column(sa.Column('escalation_step', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('escalate_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('escalation_step', sa.Integer(), nullable=False, server_default='0'))
    op.create_index('ix_broadcasts_escalate_at', 'broadcasts', ['escalate_at'])


def downgrade() -> None:
    op.drop_index('ix_broadcasts_escalate_at', table_name='broadcasts')
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_column('escalation_step')
        batch.drop_column('escalate_at')
    with op.batch_alter_table('rollcalls') as batch:
        batch.drop_column('escalation_step')
