"""Further reports linked to an incident (duplicates); incidents merged into another.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('incident_sources',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('ref', sa.String(length=16), nullable=False),
    sa.Column('incident_id', sa.String(length=16), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reporter_platform', sa.String(length=16), nullable=False),
    sa.Column('reporter_id', sa.String(length=64), nullable=False),
    sa.Column('reporter_name', sa.String(length=200), nullable=False),
    sa.Column('reporter_registered', sa.Boolean(), nullable=False),
    sa.Column('source_platform', sa.String(length=16), nullable=False),
    sa.Column('source_chat_id', sa.String(length=64), nullable=False),
    sa.Column('source_message_id', sa.String(length=64), nullable=True),
    sa.Column('merged_from', sa.String(length=16), nullable=True),
    sa.Column('split_into', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incident_sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_sources_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_incident_sources_ref', ['ref'], unique=True)

    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('merged_into')

    with op.batch_alter_table('incident_sources', schema=None) as batch_op:
        batch_op.drop_index('ix_incident_sources_ref')
        batch_op.drop_index(batch_op.f('ix_incident_sources_incident_id'))

    op.drop_table('incident_sources')
