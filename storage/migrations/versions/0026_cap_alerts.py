"""CAP 1.2 alerts: area, event, expiry, instruction and sender name on a broadcast;
updates and cancels that point at the alert they replace; the CAP identity of an
alert drafted from an outside warning (so it is never drafted twice); tasks.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

_COLUMNS = ('area', 'event', 'expires_at', 'instruction', 'sender_name', 'msg_type', 'references_id',
            'replaced_by_id', 'expired_at', 'cap_sender', 'cap_identifier', 'cap_sent', 'tasks')


def upgrade() -> None:
    with op.batch_alter_table('broadcasts') as batch:
        batch.add_column(sa.Column('area', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('event', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('instruction', sa.Text(), nullable=True))
        batch.add_column(sa.Column('sender_name', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('msg_type', sa.String(length=8), nullable=False, server_default='alert'))
        batch.add_column(sa.Column('references_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
        batch.add_column(sa.Column('replaced_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
        batch.add_column(sa.Column('expired_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('cap_sender', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('cap_identifier', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('cap_sent', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('tasks', sa.JSON(), nullable=True))
        batch.create_unique_constraint('uq_broadcasts_cap_identity', ['cap_sender', 'cap_identifier'])
    op.create_index('ix_broadcasts_expiry', 'broadcasts', ['expired_at', 'expires_at'])
    op.create_table(
        'broadcast_task_marks',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), primary_key=True, autoincrement=True),
        sa.Column('broadcast_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  sa.ForeignKey('broadcasts.id'), nullable=False),
        sa.Column('unit_code', sa.String(length=32), nullable=False),
        sa.Column('task_no', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('count', sa.String(length=100), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('marked_at', sa.DateTime(), nullable=False),
        sa.UniqueConstraint('broadcast_id', 'unit_code', 'task_no', name='uq_task_mark_unit'),
    )


def downgrade() -> None:
    op.drop_table('broadcast_task_marks')
    op.drop_index('ix_broadcasts_expiry', table_name='broadcasts')
    with op.batch_alter_table('broadcasts') as batch:
        batch.drop_constraint('uq_broadcasts_cap_identity', type_='unique')
        for column in reversed(_COLUMNS):
            batch.drop_column(column)
