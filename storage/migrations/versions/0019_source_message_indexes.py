"""Finding the incident a chat message reported: a reply to a report is a reply to its receipt.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""
from __future__ import annotations

from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_incidents_source_message', 'incidents', ['source_chat_id', 'source_message_id'])
    op.create_index('ix_incident_sources_source_message', 'incident_sources', ['source_chat_id', 'source_message_id'])


def downgrade() -> None:
    op.drop_index('ix_incident_sources_source_message', table_name='incident_sources')
    op.drop_index('ix_incidents_source_message', table_name='incidents')
