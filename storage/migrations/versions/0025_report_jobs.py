"""Report jobs: reviews and statistics built off the event loop, and the claim of each
scheduled monthly report.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    big_id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
    op.create_table(
        'report_jobs',
        sa.Column('id', big_id, primary_key=True, autoincrement=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('args', sa.JSON(), nullable=False),
        sa.Column('answer_to', sa.JSON(), nullable=False),
        sa.Column('reply_to_message_id', sa.String(length=64), nullable=True),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('lease_until', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('schedule_key', sa.String(length=80), nullable=True),
        sa.Column('scheduled_for', sa.DateTime(), nullable=True),
        sa.UniqueConstraint('schedule_key', 'scheduled_for', name='uq_report_job_run'),
    )
    op.create_index('ix_report_jobs_status', 'report_jobs', ['status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_report_jobs_status', table_name='report_jobs')
    op.drop_table('report_jobs')
