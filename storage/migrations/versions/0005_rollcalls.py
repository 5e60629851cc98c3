"""Duty roll-calls: temporary schedules, runs (claimed once per scheduled time), answers.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('rollcall_schedules',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('every_minutes', sa.Integer(), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('deadline_minutes', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rollcall_schedules', schema=None) as batch_op:
        batch_op.create_index('ix_rollcall_schedules_ends_at', ['ends_at'], unique=False)

    op.create_table('rollcalls',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('schedule_key', sa.String(length=80), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by', sa.String(length=200), nullable=True),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('answer', sa.String(length=16), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('schedule_key', 'scheduled_for', name='uq_rollcall_run')
    )
    with op.batch_alter_table('rollcalls', schema=None) as batch_op:
        batch_op.create_index('ix_rollcalls_due_at', ['due_at'], unique=False)
        batch_op.create_index('ix_rollcalls_started_at', ['started_at'], unique=False)

    op.create_table('rollcall_answers',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('rollcall_id', BigId, nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['rollcall_id'], ['rollcalls.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rollcall_id', 'unit_code', 'platform', 'user_id', name='uq_rollcall_answer')
    )


def downgrade() -> None:
    op.drop_table('rollcall_answers')
    with op.batch_alter_table('rollcalls', schema=None) as batch_op:
        batch_op.drop_index('ix_rollcalls_started_at')
        batch_op.drop_index('ix_rollcalls_due_at')
    op.drop_table('rollcalls')
    with op.batch_alter_table('rollcall_schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_rollcall_schedules_ends_at')
    op.drop_table('rollcall_schedules')
