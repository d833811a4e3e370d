"""scheduler job runs

`scheduler_job_runs`: one row per scheduler job id with its last run (start, end, duration, outcome), when it last
succeeded and failed, the last failure's first line, and its run and failure counts. Written at the end of every run
(INSERT … ON CONFLICT on the job id, so two scheduler processes both count); read by /metrics and /admin/jobs.

Revision ID: d1a3c5e7f9b0
Revises: c6e8a0b2d4f7
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1a3c5e7f9b0'
down_revision = 'c6e8a0b2d4f7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'scheduler_job_runs',
        sa.Column('job_id', sa.String(length=64), nullable=False),
        sa.Column('last_started_at', sa.DateTime(), nullable=False),
        sa.Column('last_finished_at', sa.DateTime(), nullable=False),
        sa.Column('last_duration_ms', sa.Integer(), nullable=False),
        sa.Column('last_outcome', sa.String(length=10), nullable=False),
        sa.Column('last_succeeded_at', sa.DateTime(), nullable=True),
        sa.Column('last_failed_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('runs_total', sa.Integer(), nullable=False),
        sa.Column('failures_total', sa.Integer(), nullable=False),
        sa.Column('consecutive_failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('job_id'),
    )


def downgrade():
    op.drop_table('scheduler_job_runs')
