"""webhook refusals

webhook_deliveries.reason: a signed delivery whose payload could not be applied (422) is kept as outcome
"refused" with its validation messages, shortened; the platform's retry turns the same row into its accepted
outcome. ix_webhook_deliveries_received: the deliveries page lists them newest first.

Revision ID: b3d5f7a9c1e4
Revises: a7c9e1f3b5d7
Create Date: 2026-11-26 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d5f7a9c1e4'
down_revision = 'a7c9e1f3b5d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=500), nullable=True))
        batch_op.create_index('ix_webhook_deliveries_received', ['received_at'], unique=False)


def downgrade():
    # the code before this revision would take a refused row as seen and answer its retry "duplicate"
    op.execute("DELETE FROM webhook_deliveries WHERE outcome = 'refused'")
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_received')
        batch_op.drop_column('reason')
