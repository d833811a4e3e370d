"""login throttling moves to Flask-Limiter's storage

The failed-login counts per typed name (login_throttles) are now kept per name *and* address in the rate limiter's
storage (memory or Redis, shopcs.auth.throttle); the table goes. A lock in force at the upgrade is forgotten.

Revision ID: c2e4a6b8d0f3
Revises: a1c3e5b7d9f2
Create Date: 2026-12-07 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2e4a6b8d0f3'
down_revision = 'a1c3e5b7d9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('login_throttles')


def downgrade():
    op.create_table('login_throttles',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('username')
    )
