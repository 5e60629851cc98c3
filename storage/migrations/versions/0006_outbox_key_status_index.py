"""The outbox's lookup by key also covers the status.

Folding an edit into a pending row asks for (platform, chat, key, pending); with
only (platform, chat, key) indexed, SQLite preferred the (platform, chat, status)
index and read every undelivered row of a busy chat for each edit.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_key')
        batch_op.create_index('ix_outbox_chat_key_status', ['platform', 'chat_id', 'message_key', 'status'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_chat_key_status')
        batch_op.create_index('ix_outbox_message_key', ['platform', 'chat_id', 'message_key'], unique=False)
