"""e-mail in and out: where the IMAP poller stands, and a reply's own mail headers

mailbox_positions: per mailbox (user@host:port/folder, never the password) the UIDVALIDITY and last UID handled, when
it was polled and the last error. outbox_messages.headers: an e-mailed case reply's Message-ID, In-Reply-To,
References and Subject, fixed when it is queued (NULL for every other message).

Revision ID: b7d9f1a3c5e8
Revises: e4a6c8e0f2b5
Create Date: 2026-12-07 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d9f1a3c5e8'
down_revision = 'e4a6c8e0f2b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mailbox_positions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mailbox', sa.String(length=300), nullable=False),
        sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
        sa.Column('last_uid', sa.BigInteger(), nullable=False),
        sa.Column('polled_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('mailbox'),
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_table('mailbox_positions')
