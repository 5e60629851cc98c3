"""Indexes for retention: old button tokens and platform update ids are found by age.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_button_tokens_created_at', 'button_tokens', ['created_at'])
    op.create_index('ix_inbound_events_received_at', 'inbound_events', ['received_at'])


def downgrade() -> None:
    op.drop_index('ix_inbound_events_received_at', 'inbound_events')
    op.drop_index('ix_button_tokens_created_at', 'button_tokens')
