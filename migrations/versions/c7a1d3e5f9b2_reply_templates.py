"""reply templates (话术) and their defaults

reply_templates: the answers supervisors keep and agents fill with a case's variables; a key is unique per
language (the same answer in Chinese and English shares it). ix_reply_templates_language_category lists them
by language and category for the list page and the case page's picker.
The defaults are written here as literal rows, as shopcs.cases.replies.DEFAULT_TEMPLATES had them when this
revision was written: a migration must not change when app code does.

Revision ID: c7a1d3e5f9b2
Revises: ee537dc2b756
Create Date: 2026-11-26 09:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7a1d3e5f9b2'
down_revision = 'ee537dc2b756'
branch_labels = None
depends_on = None

# (key, category, language, title, body)
DEFAULTS = (
    ('greeting', None, 'zh_CN', '问候',
     '您好，很高兴为您服务！请问有什么可以帮您？'),
    ('closing', None, 'zh_CN', '结束语',
     '谢谢您的耐心，祝您生活愉快，再见！'),
    ('tracking', 'tracking', 'zh_CN', '物流查询答复',
     '您好，{buyer_name}！您的订单 {order_no} 已于 {ship_date} 由 {carrier} 发出，运单号 {tracking_no}，您可以凭运单号查询物流进度。如有其他问题，欢迎随时联系我们。'),
    ('refund', 'payment', 'zh_CN', '退款答复',
     '您好，{buyer_name}！订单 {order_no} 的退款 {refund_amount} 已经办理，将按原支付方式退回，到账时间以支付平台为准。谢谢您的耐心！'),
    ('complaint_apology', 'complaint', 'zh_CN', '投诉致歉',
     '{buyer_name}，您好！非常抱歉给您带来不便，我们已经记录您的问题（工单号 {case_no}），会认真核实并尽快给您答复。再次向您致歉，谢谢您的理解！'),
    ('claim_received', 'claim', 'zh_CN', '理赔受理',
     '您好，{buyer_name}！您关于订单 {order_no} 的理赔申请已收到（工单号 {case_no}）。请提供商品及外包装的照片，我们核实后会及时与您联系。'),
    ('pre_sale', 'pre_sale', 'zh_CN', '售前咨询答复',
     '您好，很高兴为您服务！关于您咨询的商品，详细信息请以商品页面说明为准，如还有疑问，欢迎继续咨询。我是客服{agent_name}，谢谢您的关注！'),
    ('greeting', None, 'en', 'Greeting',
     'Hello, happy to help you! What can I do for you?'),
    ('closing', None, 'en', 'Closing',
     'Thank you for your patience. Have a nice day, goodbye!'),
    ('tracking', 'tracking', 'en', 'Tracking answer',
     'Hello {buyer_name}, your order {order_no} was shipped on {ship_date} with {carrier}, tracking number {tracking_no}. You can follow the delivery with that number. Let us know if there is anything else.'),
    ('refund', 'payment', 'en', 'Refund answer',
     'Hello {buyer_name}, the refund of {refund_amount} for order {order_no} has been made to your original payment method; when it arrives depends on the payment platform. Thank you for your patience!'),
    ('complaint_apology', 'complaint', 'en', 'Complaint apology',
     'Dear {buyer_name}, we are very sorry for the inconvenience. We have recorded your concern (case {case_no}), will look into it carefully and reply as soon as we can. Thank you for your understanding.'),
    ('claim_received', 'claim', 'en', 'Claim received',
     'Hello {buyer_name}, we have received your claim for order {order_no} (case {case_no}). Please send photos of the item and its packaging; we will contact you once we have checked them.'),
    ('pre_sale', 'pre_sale', 'en', 'Pre-sale answer',
     'Hello, happy to help! The product page has the full details of the item you asked about; if anything is unclear, just ask. I am {agent_name}, thank you for your interest!'),
)


def upgrade():
    op.create_table('reply_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'language', name='uq_reply_templates_key_language')
    )
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.create_index('ix_reply_templates_language_category', ['language', 'category', 'active'], unique=False)

    table = sa.table('reply_templates',
                     sa.column('key', sa.String), sa.column('category', sa.String), sa.column('language', sa.String),
                     sa.column('title', sa.String), sa.column('body', sa.Text), sa.column('active', sa.Boolean),
                     sa.column('created_at', sa.DateTime), sa.column('created_by', sa.String),
                     sa.column('updated_at', sa.DateTime), sa.column('updated_by', sa.String))
    now = datetime.now(timezone.utc).replace(tzinfo=None)  # stored as naive UTC, like every timestamp
    op.bulk_insert(table, [
        {'key': key, 'category': category, 'language': language, 'title': title, 'body': body, 'active': True,
          'created_at': now, 'created_by': 'system:migration', 'updated_at': now, 'updated_by': 'system:migration'}
        for key, category, language, title, body in DEFAULTS
    ])


def downgrade():
    with op.batch_alter_table('reply_templates', schema=None) as batch_op:
        batch_op.drop_index('ix_reply_templates_language_category')

    op.drop_table('reply_templates')
