"""sessions that can be revoked

users.session_version: part of every login session's id; logout, a password change or reset, deactivation and a
role change bump it, which ends every session of the account at once (0 for every existing account; sessions
saved before this revision carry no version and are logged out once).

Revision ID: f7b9d1e3a5c6
Revises: c4e6a8b0d2f1
Create Date: 2026-12-07 04:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7b9d1e3a5c6'
down_revision = 'c4e6a8b0d2f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default=sa.text('0'), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
