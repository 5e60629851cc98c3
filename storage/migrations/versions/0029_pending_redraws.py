"""Views of incidents to redraw after commit, kept until the redraw is queued, so a
process that dies in between redraws them when it starts again.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'pending_redraws',
        sa.Column('owner', sa.String(16), primary_key=True),
        sa.Column('kind', sa.String(20), primary_key=True),
        sa.Column('incident_id', sa.String(32), primary_key=True),
        sa.Column('asked_at', sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('pending_redraws')
