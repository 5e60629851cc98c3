"""Doubtful messages go before the centre (triage) instead of being dropped.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'triage_items',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('board_key', sa.String(length=40), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('sender_platform', sa.String(length=16), nullable=False),
        sa.Column('sender_id', sa.String(length=64), nullable=False),
        sa.Column('sender_name', sa.String(length=200), nullable=False),
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('chat_id', sa.String(length=64), nullable=False),
        sa.Column('chat_title', sa.String(length=200), nullable=True),
        sa.Column('is_private', sa.Boolean(), nullable=False),
        sa.Column('message_id', sa.String(length=64), nullable=True),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('incident_id', sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_triage_open', 'triage_items', ['status', 'sender_platform', 'sender_id'])


def downgrade() -> None:
    op.drop_index('ix_triage_open', table_name='triage_items')
    op.drop_table('triage_items')
