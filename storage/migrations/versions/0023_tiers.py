"""Tiers (#14): incidents escalated to the upper centre, and requests for support.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('incidents') as batch:
        batch.add_column(sa.Column('escalated_at', sa.DateTime(timezone=False), nullable=True))
        batch.add_column(sa.Column('escalated_by', sa.String(length=200), nullable=True))
    op.create_table(
        'support_requests',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('incident_id', sa.String(length=16), sa.ForeignKey('incidents.id'), nullable=False),
        sa.Column('units', sa.JSON(), nullable=False),
        sa.Column('capability', sa.String(length=64), nullable=True),
        sa.Column('region', sa.String(length=32), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=False), nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('requested_by_id', sa.String(length=100), nullable=False),
        sa.Column('requested_unit', sa.String(length=32), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=False), nullable=True),
        sa.Column('escalation_level', sa.Integer(), nullable=False),
        sa.Column('escalate_at', sa.DateTime(timezone=False), nullable=True),
    )
    op.create_index('ix_support_requests_incident_id', 'support_requests', ['incident_id'])
    op.create_index('ix_support_requests_escalate_at', 'support_requests', ['escalate_at'])


def downgrade() -> None:
    op.drop_index('ix_support_requests_escalate_at', table_name='support_requests')
    op.drop_index('ix_support_requests_incident_id', table_name='support_requests')
    op.drop_table('support_requests')
    with op.batch_alter_table('incidents') as batch:
        batch.drop_column('escalated_by')
        batch.drop_column('escalated_at')
