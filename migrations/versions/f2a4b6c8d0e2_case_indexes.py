"""case queue indexes

ix_cases_unanswered_status_due (first_responded_at, status, first_response_due_at) replaces ix_cases_unanswered_due
(first_responded_at, first_response_due_at): the "Unanswered" tab's count and page and the breach sweep read only the
unanswered cases still open (new, open, waiting), not every closed case that never had a reply.
ix_cases_escalation_pending (escalation_acknowledged_at, escalated_at): the "Escalated" tab's count and page, the
escalations waiting for a supervisor (acknowledged_at IS NULL, escalated_at IS NOT NULL), without reading the table.
ix_customers_phone: the case queue's search by a buyer's phone (customers.phone = ?).

Revision ID: f2a4b6c8d0e2
Revises: e1f3a5c7d9b1
Create Date: 2026-11-26 07:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2a4b6c8d0e2'
down_revision = 'e1f3a5c7d9b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unanswered_due')
        batch_op.create_index('ix_cases_unanswered_status_due', ['first_responded_at', 'status', 'first_response_due_at'],
                              unique=False)
        batch_op.create_index('ix_cases_escalation_pending', ['escalation_acknowledged_at', 'escalated_at'], unique=False)
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.create_index('ix_customers_phone', ['phone'], unique=False)


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_index('ix_customers_phone')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_escalation_pending')
        batch_op.drop_index('ix_cases_unanswered_status_due')
        batch_op.create_index('ix_cases_unanswered_due', ['first_responded_at', 'first_response_due_at'], unique=False)
