"""Drill runs (#16): a run of a scenario with its script, and its injects' due times, so
injects arrive on time across a restart and each fires once across processes.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'drill_runs',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('scenario', sa.String(64), nullable=False),
        sa.Column('title', sa.String(200), nullable=False),
        sa.Column('script', sa.Text(), nullable=False),
        sa.Column('announced', sa.Boolean(), nullable=False),
        sa.Column('started_by', sa.String(200), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('ends_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('active_key', sa.String(64), nullable=True, unique=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('announced_at', sa.DateTime(), nullable=True),
        sa.Column('evaluation', sa.JSON(), nullable=True),
        sa.Column('schedule_key', sa.String(120), nullable=True, unique=True),
    )
    op.create_index('ix_drill_runs_scenario', 'drill_runs', ['scenario', 'started_at'])
    op.create_table(
        'drill_injects',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.ForeignKey('drill_runs.id'),
                  nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(), nullable=False),
        sa.Column('fired_at', sa.DateTime(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.UniqueConstraint('run_id', 'position', name='uq_drill_inject_position'),
    )
    op.create_index('ix_drill_injects_due', 'drill_injects', ['fired_at', 'due_at'])


def downgrade() -> None:
    op.drop_index('ix_drill_injects_due', table_name='drill_injects')
    op.drop_table('drill_injects')
    op.drop_index('ix_drill_runs_scenario', table_name='drill_runs')
    op.drop_table('drill_runs')
