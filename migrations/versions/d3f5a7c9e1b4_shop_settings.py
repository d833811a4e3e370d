"""shop settings get a table of their own

Every stored setting (the follow-up's cadence and templates, the shop-wide language, names and shipment flag, the
cases' targets and promise words, the refund-rate alerts) lived as key/value rows in followup_settings. They move,
value for value, to shop_settings under an area: "shop", "followup", "cases" or "alerts"; followup_settings goes.
The downgrade moves them back under their old keys.

Revision ID: d3f5a7c9e1b4
Revises: c2e4a6b8d0f3
Create Date: 2026-12-07 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd3f5a7c9e1b4'
down_revision = 'c2e4a6b8d0f3'
branch_labels = None
depends_on = None

# Frozen here as they were at this revision (a migration does not import the app): old key → (area, new key).
# Every other old key is the follow-up's own and keeps its name.
RENAMED = {
    'case_sla': ('cases', 'sla'),
    'case_promise_words': ('cases', 'promise_words'),
    'report_alerts': ('alerts', 'refund_rate'),
    'locale': ('shop', 'locale'),
    'shop_name': ('shop', 'shop_name'),
    'shop_name_en': ('shop', 'shop_name_en'),
    'notify_platform_shipments': ('shop', 'notify_platform_shipments'),
}
COLUMNS = 'value, updated_at, updated_by'


def _new_area_and_key():
    """SQL for an old row's (area, key): two CASE expressions on followup_settings."key" (both databases)."""
    area = ' '.join(f"WHEN '{old}' THEN '{new_area}'" for old, (new_area, _) in RENAMED.items())
    key = ' '.join(f"WHEN '{old}' THEN '{new_key}'" for old, (_, new_key) in RENAMED.items())
    return f'CASE "key" {area} ELSE \'followup\' END', f'CASE "key" {key} ELSE "key" END'


def _old_key():
    """SQL for a shop_settings row's old key."""
    cases = ' '.join(f"""WHEN area = '{area}' AND "key" = '{new}' THEN '{old}'""" for old, (area, new) in RENAMED.items())
    return f'CASE {cases} ELSE "key" END'


def upgrade():
    op.create_table('shop_settings',
    sa.Column('area', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('area', 'key')
    )
    area, key = _new_area_and_key()
    op.execute(f'INSERT INTO shop_settings (area, "key", {COLUMNS}) SELECT {area}, {key}, {COLUMNS} FROM followup_settings')
    op.drop_table('followup_settings')


def downgrade():
    op.create_table('followup_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.execute(f'INSERT INTO followup_settings ("key", {COLUMNS}) SELECT {_old_key()}, {COLUMNS} FROM shop_settings')
    op.drop_table('shop_settings')
