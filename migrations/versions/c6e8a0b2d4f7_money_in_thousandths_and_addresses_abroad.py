"""money in thousandths, and addresses abroad

Every money column held integer fen (hundredths), which cannot hold a KWD amount (3 decimals). They now hold
thousandths of the order's currency: the stored integers are multiplied by 10, so every CNY figure reads back the same.
The downgrade divides again (a third decimal, which only a 3-decimal currency has, is lost).

`orders.country` (ISO 3166-1 alpha-2, CN for every order so far) and `orders.address_line2` (a foreign address's second
line; a Chinese address keeps using province, city, district and detail).

The reports' two window indexes take the order's currency too: money is summed per currency, and the reports stay
index-only reads.

Revision ID: c6e8a0b2d4f7
Revises: b2d4f6a8c0e1
Create Date: 2026-12-07 21:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c6e8a0b2d4f7'
down_revision = 'b2d4f6a8c0e1'
branch_labels = None
depends_on = None

MONEY_COLUMNS = {"orders": ("items_total", "shipping_fee", "discount", "total"), "order_items": ("unit_price",),
                 "refunds": ("amount",), "claims": ("amount_claimed", "decided_amount")}


def _scale(operator: str) -> None:
    for table, columns in MONEY_COLUMNS.items():
        assignments = ", ".join(f"{column} = {column} {operator} 10" for column in columns)
        op.execute(f"UPDATE {table} SET {assignments}")


def _window_indexes(with_currency: bool) -> None:
    currency = ['currency'] if with_currency else []
    op.drop_index('ix_orders_paid_at', table_name='orders')
    op.create_index('ix_orders_paid_at', 'orders', ['paid_at', 'total', 'customer_id', 'previous_paid_at', *currency])
    op.drop_index('ix_orders_placed_at', table_name='orders')
    op.create_index('ix_orders_placed_at', 'orders', ['placed_at', 'paid_at', 'total', *currency],
                    postgresql_include=['id'])


def upgrade():
    _scale("*")
    with op.batch_alter_table('orders') as batch:
        batch.add_column(sa.Column('country', sa.String(length=2), nullable=False, server_default='CN'))
        batch.add_column(sa.Column('address_line2', sa.String(length=300), nullable=False, server_default=''))
    _window_indexes(with_currency=True)


def downgrade():
    _window_indexes(with_currency=False)
    with op.batch_alter_table('orders') as batch:
        batch.drop_column('address_line2')
        batch.drop_column('country')
    _scale("/")
