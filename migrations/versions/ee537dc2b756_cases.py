"""customer cases and their timelines

cases: one customer question or complaint (工单) with its first-response clock, escalation and owner.
ix_cases_status_due / ix_cases_team_status / ix_cases_owner_status: the queue, a team's inbox and "my cases", most
urgent first. ix_cases_unanswered_due: the breach sweep's unanswered cases past due. ix_cases_category_received:
the reports' volumes by category in a window.
case_events: every reply, note, transfer and change on a case; ix_case_events_case reads a timeline in order,
ix_case_events_actor an agent's work log for a day.

Revision ID: ee537dc2b756
Revises: e5b7c9d1a3f2
Create Date: 2026-11-26 06:02:43.548015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ee537dc2b756'
down_revision = 'e5b7c9d1a3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('team', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('first_response_due_at', sa.DateTime(), nullable=False),
    sa.Column('first_responded_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('escalation_reason', sa.String(length=20), nullable=True),
    sa.Column('escalation_acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('escalation_acknowledged_by', sa.String(length=100), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], ),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_category_received', ['category', 'received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_cases_owner_status', ['owner_id', 'status'], unique=False)
        batch_op.create_index('ix_cases_status_due', ['status', 'first_response_due_at'], unique=False)
        batch_op.create_index('ix_cases_team_status', ['team', 'status', 'first_response_due_at'], unique=False)
        batch_op.create_index('ix_cases_unanswered_due', ['first_responded_at', 'first_response_due_at'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_actor', ['actor', 'occurred_at'], unique=False)
        batch_op.create_index('ix_case_events_case', ['case_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case')
        batch_op.drop_index('ix_case_events_actor')

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unanswered_due')
        batch_op.drop_index('ix_cases_team_status')
        batch_op.drop_index('ix_cases_status_due')
        batch_op.drop_index('ix_cases_owner_status')
        batch_op.drop_index(batch_op.f('ix_cases_order_id'))
        batch_op.drop_index(batch_op.f('ix_cases_customer_id'))
        batch_op.drop_index('ix_cases_category_received')

    op.drop_table('cases')
