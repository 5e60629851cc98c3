"""A unit that declined may be ordered again: orders are unique per incident, unit and attempt.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispatch_orders') as batch:
        batch.add_column(sa.Column('attempt', sa.Integer(), nullable=False, server_default='1'))
        batch.drop_constraint('uq_order_incident_unit', type_='unique')
        batch.create_unique_constraint('uq_order_incident_unit_attempt', ['incident_id', 'unit_code', 'attempt'])


def downgrade() -> None:
    with op.batch_alter_table('dispatch_orders') as batch:
        batch.drop_constraint('uq_order_incident_unit_attempt', type_='unique')
        batch.create_unique_constraint('uq_order_incident_unit', ['incident_id', 'unit_code'])
        batch.drop_column('attempt')
