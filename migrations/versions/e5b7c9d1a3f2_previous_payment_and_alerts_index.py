"""each order's previous payment by its customer; the outbox by kind and time

orders.previous_paid_at: the time of the customer's payment just before this order's, by (paid_at, id) (null for
the first payment and while unpaid), filled here for every order and kept exact by shopcs/orders/previous_payment.py on every flush. The
repurchase report tells returning customers from new ones with it, from the index alone, instead of one seek per
customer.
ix_orders_paid_at, now (paid_at, total, customer_id, previous_paid_at): the refund-rate report as before; the
repurchase report from the index alone.
ix_orders_customer, now (customer_id, paid_at, previous_paid_at): a customer's orders as before; the repurchase
report over a long window (most of the history) grouped by customer in index order, without a sort.
ix_outbox_kind_created (kind, created_at, id): the dashboard's latest refund-rate alerts, newest first, without
reading the whole outbox (every reminder, greeting and notice ever sent).

Revision ID: e5b7c9d1a3f2
Revises: 4d8a2c6e1f70
Create Date: 2026-11-26 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b7c9d1a3f2'
down_revision = '4d8a2c6e1f70'
branch_labels = None
depends_on = None

BACKFILL = ("UPDATE orders SET previous_paid_at = (SELECT max(earlier.paid_at) FROM orders AS earlier "
            "WHERE earlier.customer_id = orders.customer_id AND (earlier.paid_at < orders.paid_at "
            "OR (earlier.paid_at = orders.paid_at AND earlier.id < orders.id)))")


def upgrade():
    op.add_column('orders', sa.Column('previous_paid_at', sa.DateTime(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_paid_at')
        batch_op.create_index('ix_orders_paid_at', ['paid_at', 'total', 'customer_id', 'previous_paid_at'],
                              unique=False)
        batch_op.drop_index('ix_orders_customer')
        batch_op.create_index('ix_orders_customer', ['customer_id', 'paid_at', 'previous_paid_at'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_kind_created', ['kind', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_kind_created')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_customer')
        batch_op.create_index('ix_orders_customer', ['customer_id', 'paid_at'], unique=False)
        batch_op.drop_index('ix_orders_paid_at')
        batch_op.create_index('ix_orders_paid_at', ['paid_at', 'total', 'customer_id'], unique=False)
        batch_op.drop_column('previous_paid_at')
