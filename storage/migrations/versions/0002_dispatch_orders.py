"""Dispatch orders per incident and unit, with escalation due-times; incident closing.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dispatch_orders',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('incident_id', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(), nullable=False),
    sa.Column('ordered_by', sa.String(length=200), nullable=False),
    sa.Column('ordered_by_id', sa.String(length=100), nullable=False),
    sa.Column('state_at', sa.DateTime(), nullable=False),
    sa.Column('state_by', sa.String(length=200), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('en_route_at', sa.DateTime(), nullable=True),
    sa.Column('on_scene_at', sa.DateTime(), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalate_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'unit_code', name='uq_order_incident_unit')
    )
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_orders_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_orders_escalate_at', ['escalate_at'], unique=False)

    op.create_table('dispatch_drafts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('incident_id', sa.String(length=16), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dispatch_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_drafts_incident_id'), ['incident_id'], unique=False)

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('close_summary', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('close_summary')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('dispatch_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_drafts_incident_id'))

    op.drop_table('dispatch_drafts')
    with op.batch_alter_table('dispatch_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_escalate_at')
        batch_op.drop_index(batch_op.f('ix_dispatch_orders_incident_id'))

    op.drop_table('dispatch_orders')

