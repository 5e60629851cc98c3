"""The roster: units, members and bindings added from chat or the contact register,
invites, duty handovers, and the log of roster changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('roster_units',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('capabilities', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('roster_members',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=True),
    sa.Column('user_id', sa.String(length=64), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('roster_members', schema=None) as batch_op:
        batch_op.create_index('ix_roster_members_person', ['platform', 'user_id'], unique=False)
    op.create_table('roster_bindings',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('invites',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('uses_left', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    op.create_table('duty_changes',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=True),
    sa.Column('user_id', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('duty_changes', schema=None) as batch_op:
        batch_op.create_index('ix_duty_changes_unit', ['unit_code', 'id'], unique=False)
    op.create_table('roster_events',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('roster_events')
    with op.batch_alter_table('duty_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_duty_changes_unit')
    op.drop_table('duty_changes')
    op.drop_table('invites')
    op.drop_table('roster_bindings')
    with op.batch_alter_table('roster_members', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_members_person')
    op.drop_table('roster_members')
    op.drop_table('roster_units')
