"""The web board: one-time sign-in links and the sessions they open.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'board_links',
        sa.Column('token_hash', sa.String(length=64), primary_key=True),
        sa.Column('person', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
    )
    op.create_table(
        'board_sessions',
        sa.Column('token_hash', sa.String(length=64), primary_key=True),
        sa.Column('person', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
    )
    op.create_index('ix_board_sessions_person', 'board_sessions', ['person'])


def downgrade() -> None:
    op.drop_index('ix_board_sessions_person', table_name='board_sessions')
    op.drop_table('board_sessions')
    op.drop_table('board_links')
