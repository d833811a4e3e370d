"""orders closed here

orders.closed_here_at: when ShopCS closed an unpaid order itself (the follow-up auto-close); the platform's
later "paid" (or later state) is then still taken, since the platform holds the money. Filled from the audit
trail: the auto-close recorded its status change as actor system:scheduler, action order.status (from this
revision on, order.closed_here).

Revision ID: c4e6a8b0d2f1
Revises: d5f7b9c1e3a2
Create Date: 2026-12-07 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e6a8b0d2f1'
down_revision = 'd5f7b9c1e3a2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_here_at', sa.DateTime(), nullable=True))
    # before this revision only the scheduler's auto-close wrote order.status as system:scheduler (from it on, the
    # auto-close's action is order.closed_here); the order must still be closed
    op.execute(
        "UPDATE orders SET closed_here_at = (SELECT MAX(a.at) FROM audit_entries a WHERE a.order_id = orders.id "
        "AND a.actor = 'system:scheduler' AND a.action IN ('order.status', 'order.closed_here')) WHERE status = 'closed'")


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('closed_here_at')
