"""work logs

work_logs: one agent's log for one shop-local day (工作日志): notes, and the day's figures frozen at submission.
uq_work_logs_user_day: one log per person and day; it also finds a person's log for a day.

Revision ID: d8b2e4f6a0c3
Revises: c7a1d3e5f9b2
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8b2e4f6a0c3'
down_revision = 'c7a1d3e5f9b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('work_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'day', name='uq_work_logs_user_day')
    )


def downgrade():
    op.drop_table('work_logs')
