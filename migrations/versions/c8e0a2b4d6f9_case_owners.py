"""case owners: agents' availability and the round robin's memory

users.available: an agent switched themselves available for automatic assignment (default: away).
users.last_assigned_at: when the round robin last gave them a case (the one assigned longest ago goes first).

Revision ID: c8e0a2b4d6f9
Revises: a6c8e0f2b4d7
Create Date: 2026-12-07 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8e0a2b4d6f9'
down_revision = 'a6c8e0f2b4d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('available', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('last_assigned_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('last_assigned_at')
        batch_op.drop_column('available')
