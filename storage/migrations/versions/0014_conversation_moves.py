"""Groups that became another chat (Telegram's upgrade to a supergroup) are followed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'conversation_moves',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('old_chat_id', sa.String(length=64), nullable=False),
        sa.Column('new_chat_id', sa.String(length=64), nullable=False),
        sa.Column('moved_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'old_chat_id'),
    )


def downgrade() -> None:
    op.drop_table('conversation_moves')
