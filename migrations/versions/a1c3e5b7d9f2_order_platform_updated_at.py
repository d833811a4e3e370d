"""the platform's time of an order's last applied version

orders.platform_updated_at: Shopify's updated_at / WooCommerce's date_modified_gmt of the last order delivery
applied (naive UTC, as every UTCDateTime column). A delivery with an older time is stale: a replayed body must not
put back earlier values. Null for existing orders: their next delivery is applied as before and sets it.

Revision ID: a1c3e5b7d9f2
Revises: f7b9d1e3a5c6
Create Date: 2026-12-08 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c3e5b7d9f2'
down_revision = 'f7b9d1e3a5c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform_updated_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('platform_updated_at')
