"""queue tab counts: ix_outbox_status_sent (status, sent_at)

The follow-up page's tab counts stop at 1,000 rows (shopcs/capped_counts.py) like the order queue's, each walking an
index. "Sent today" had none to walk: status = 'sent' and sent_at since midnight read every message the shop ever sent
(ix_outbox_due orders them by scheduled_for, and sent_at is in the table). With this index it is a range of today's.
The order queue's counts need no new index (each walks one of the orders' or refunds' indexes).

Revision ID: d4d6f8a0b2c3
Revises: d3c5e7f9a1b2
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4d6f8a0b2c3'
down_revision = 'd3c5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_sent', ['status', 'sent_at'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_sent')
