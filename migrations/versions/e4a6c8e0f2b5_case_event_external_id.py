"""a customer's message keeps its source's id

case_events.external_id: the chat message id or e-mail Message-ID a customer's message came with, unique per channel,
so the same message sent again (a retry, a second poll) finds its event instead of adding one. Existing events have
none (NULL: never equal to another, on SQLite and PostgreSQL alike).

Revision ID: e4a6c8e0f2b5
Revises: d3f5a7c9e1b4
Create Date: 2026-12-07 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4a6c8e0f2b5'
down_revision = 'd3f5a7c9e1b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_id', sa.String(length=200), nullable=True))
        batch_op.create_index('ux_case_events_channel_external', ['channel', 'external_id'], unique=True)


def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ux_case_events_channel_external')
        batch_op.drop_column('external_id')
