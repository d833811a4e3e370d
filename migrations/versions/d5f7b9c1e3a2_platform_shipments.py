"""platform shipments

shipments: where a shipment came from (source: shopcs for the ship form, which every existing row is; api;
shopify), the platform's ship time, carrier name and fulfilment id (uq_shipments_source_external: one shipment
per fulfilment, found again by its update), Shopify's shipment status, and the flag for a look (a number that
fails our format check, an unknown carrier) with its reason codes.

Revision ID: d5f7b9c1e3a2
Revises: e6a8c0d2f4b3
Create Date: 2026-12-07 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5f7b9c1e3a2'
down_revision = 'e6a8c0d2f4b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=20), server_default='shopcs', nullable=False))
        batch_op.add_column(sa.Column('shipped_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('carrier_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('shipment_status', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('flag_reason', sa.String(length=200), nullable=True))
        batch_op.create_unique_constraint('uq_shipments_source_external', ['source', 'external_id'])


def downgrade():
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_constraint('uq_shipments_source_external', type_='unique')
        batch_op.drop_column('flag_reason')
        batch_op.drop_column('flagged')
        batch_op.drop_column('shipment_status')
        batch_op.drop_column('external_id')
        batch_op.drop_column('carrier_name')
        batch_op.drop_column('shipped_at')
        batch_op.drop_column('source')
