"""storefront widget conversations

widget_conversations: one row per conversation a buyer starts in the storefront widget. The buyer's token (signed,
opaque) names its random key; customer_id is set by the first message, order_id when the buyer names their order.

Revision ID: a6c8e0f2b4d7
Revises: b7d9f1a3c5e8
Create Date: 2026-12-07 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c8e0f2b4d7'
down_revision = 'b7d9f1a3c5e8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'widget_conversations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('order_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade():
    op.drop_table('widget_conversations')
