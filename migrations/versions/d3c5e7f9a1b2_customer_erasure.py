"""customer erasure: customers.erased_at

When a buyer's personal data was erased (shopcs.privacy, `flask customers erase`, the retention job): null for every
buyer until then. The row itself stays, so the buyer's orders keep their customer and the reports their figures.

Revision ID: d3c5e7f9a1b2
Revises: d2b4c6e8f0a1
Create Date: 2026-12-08 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3c5e7f9a1b2'
down_revision = 'd2b4c6e8f0a1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
