"""assistant: each case's suggested category, the assistant's own answer, and the model versions

`cases.suggested_category` / `suggested_confidence`: the assistant's reading of the message that opened the case (each
later message's reading is in its event's data). Against the category an agent finally keeps, they make the accuracy
report and the examples a retrained model learns from. `assistant_answered_at`: when the assistant answered the buyer
itself (outside business hours, a tracking question about an identified order); the case stays open for an agent.

`assistant_models`: one row per trained model version, kept as data (the shop's examples it learnt from and the
measured accuracy), never as a pickle: a worker trains the active version from its examples. The previous versions
stay, so a supervisor can go back to one.

Revision ID: b2d4f6a8c0e1
Revises: d9f1b3c5e7a0
Create Date: 2026-12-07 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2d4f6a8c0e1'
down_revision = 'd9f1b3c5e7a0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('suggested_category', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('suggested_confidence', sa.Float(), nullable=True))
        batch.add_column(sa.Column('assistant_answered_at', sa.DateTime(), nullable=True))
    op.create_table(
        'assistant_models',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('examples', sa.Text(), nullable=False),
        sa.Column('example_count', sa.Integer(), nullable=False),
        sa.Column('accuracy', sa.Float(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('activated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('version', name='uq_assistant_models_version'),
    )


def downgrade():
    op.drop_table('assistant_models')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('assistant_answered_at')
        batch.drop_column('suggested_confidence')
        batch.drop_column('suggested_category')
