"""refund-rate report indexes: orders by payment time, refunds by status and completion

ix_orders_paid_at (paid_at, total): the report's paid orders in a window, read from the index alone.
ix_refunds_status_completed (status, completed_at, order_id, amount): refunds completed in a window, read from
the index alone for the totals and the days; it starts with status, so it also serves every lookup of refunds
by status that ix_refunds_status served, and replaces it.

Revision ID: 7c4e1f9a2b3d
Revises: 2903be5a0e27
Create Date: 2026-11-26 02:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c4e1f9a2b3d'
down_revision = '2903be5a0e27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index('ix_orders_paid_at', ['paid_at', 'total'], unique=False)

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_status_completed', ['status', 'completed_at', 'order_id', 'amount'], unique=False)
        batch_op.drop_index('ix_refunds_status')


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index('ix_refunds_status', ['status'], unique=False)
        batch_op.drop_index('ix_refunds_status_completed')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_paid_at')
