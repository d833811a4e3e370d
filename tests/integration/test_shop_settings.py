"""The shop settings' one table: every area's page saves into its own rows, read back by that area's loader."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.cases.settings import load_promise_words, load_sla_settings, save_promise_words, save_sla_settings
from shopcs.errors import Invalid
from shopcs.extensions import db
from shopcs.followup.settings import load_settings, save_settings
from shopcs.reports.alerts import load_alert_settings, save_alert_settings
from shopcs.settings import store
from shopcs.settings.models import ShopSetting

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
LEAD = Actor(label="user:lead", role="supervisor")


def stored_rows() -> dict:
    return {(row.area, row.key): (row.value, row.updated_by, row.updated_at)
            for row in db.session.scalars(select(ShopSetting))}


def test_each_area_saves_its_settings_under_its_own_area(app):
    save_settings({"shop_name": "织云小铺", "first_reminder_minutes": "45"}, LEAD, NOW)
    save_sla_settings({"chat.minutes": "10"}, LEAD, NOW)
    save_promise_words("保证", LEAD, NOW)
    save_alert_settings({"threshold_percent": "7"}, LEAD, NOW)
    assert set(stored_rows()) == {("shop", "shop_name"), ("followup", "first_reminder_minutes"), ("cases", "sla"),
                                  ("cases", "promise_words"), ("alerts", "refund_rate")}
    assert (load_settings().shop_name, load_settings().first_reminder_minutes) == ("织云小铺", 45)
    assert load_sla_settings().targets["chat"].minutes == 10 and load_promise_words() == ("保证",)
    assert str(load_alert_settings().threshold) == "0.0700"


def test_a_setting_saved_again_replaces_its_row(app):
    save_settings({"shop_name": "织云小铺"}, LEAD, NOW)
    later = NOW + timedelta(hours=1)
    save_settings({"shop_name": "暖冬小铺"}, Actor(label="user:admin", role="admin"), later)
    assert stored_rows() == {("shop", "shop_name"): ('"暖冬小铺"', "user:admin", later)}


def test_a_refused_save_writes_no_row_in_any_area(app):
    with pytest.raises(Invalid):
        save_settings({"shop_name": "织云小铺", "first_reminder_minutes": "0"}, LEAD, NOW)
    db.session.rollback()
    assert stored_rows() == {}


def test_an_area_the_table_does_not_know_is_refused(app):
    with pytest.raises(ValueError):
        store.write("orders", {"x": 1}, "user:lead", NOW)
    with pytest.raises(ValueError):
        store.read_areas("followup", "orders")
