"""Whether an order reached its unit: an order into the void is told to the centre.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(length=12), nullable=True))
    # Orders from before are not watched again: whatever happened to them is long known.
    op.execute("UPDATE dispatch_orders SET delivery = 'delivered'")


def downgrade() -> None:
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.drop_column('delivery')
