"""webhook deliveries

webhook_deliveries: one row per accepted Shopify or WooCommerce webhook delivery, committed with the order
it wrote. uq_webhook_deliveries_source_delivery: a retried or replayed delivery id is applied once.
ix_webhook_deliveries_object: a Shopify refund names its order by Shopify's id; this finds the order_no.

Revision ID: a7c9e1f3b5d7
Revises: f2a4b6c8d0e2
Create Date: 2026-11-26 10:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c9e1f3b5d7'
down_revision = 'f2a4b6c8d0e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('delivery_id', sa.String(length=100), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('order_no', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source', 'delivery_id', name='uq_webhook_deliveries_source_delivery')
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_object', ['source', 'object_id'], unique=False)


def downgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_object')
    op.drop_table('webhook_deliveries')
