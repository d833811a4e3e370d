"""case_reads: how far each person has read each case

The queue's unread marks and the top bar's waiting count compare a case's latest buyer message with the last event the
person saw. The primary key (user_id, case_id) is the only lookup: one person's rows for the cases of one page.

Revision ID: d9f1b3c5e7a0
Revises: c8e0a2b4d6f9
Create Date: 2026-12-07 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd9f1b3c5e7a0'
down_revision = 'c8e0a2b4d6f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'case_reads',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('last_seen_event_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('user_id', 'case_id'),
    )


def downgrade():
    op.drop_table('case_reads')
