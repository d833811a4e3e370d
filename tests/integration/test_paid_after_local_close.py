"""The platform's word on payment wins: an order ShopCS closed itself (unpaid too long) takes the platform's later
`paid` through every door (API, Shopify and WooCommerce webhooks, CSV and Taobao imports), on both databases."""
import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.services import entries_for_order
from shopcs.extensions import db
from shopcs.followup.jobs import auto_close_unpaid, sweep_unpaid
from shopcs.notify.models import OutboxMessage
from shopcs.orders.csv_import import COLUMNS, import_orders_csv
from shopcs.orders.details import timeline
from shopcs.orders.models import Order
from shopcs.orders.taobao_import import import_taobao_export

from ..builders import NOW, make_token, make_user
from ..webhook_builders import SECRETS, edited, fixture_bytes, post_shopify, post_woocommerce

UTC = timezone.utc
PLACED = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
AFTER_CLOSE = PLACED + timedelta(hours=73)  # past the default 72 h
PAID_SENT = "2026-03-05T15:00:00+08:00"  # hour 30: after a 24 h close, before Taobao's 72 h
UNPAID_BODY = {
    "status": "unpaid", "placed_at": "2026-03-04T09:00:00+08:00", "paid_at": None,
    "customer": {"external_id": "buyer-1", "name": "李四", "phone": "13812345678", "email": ""},
    "shipping_address": {"recipient": "李四", "phone": "13812345678", "province": "浙江省", "city": "杭州市",
                         "district": "西湖区", "detail": "文三路 100 号", "postal_code": "310000"},
    "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 1, "unit_price": "99.00"}],
    "shipping_fee": "0.00", "discount": "0.00", "total": "99.00",
}


@pytest.fixture
def app_config():
    return dict(SECRETS)


@pytest.fixture
def api(client):
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    return lambda order_no, **changes: client.put(f"/api/v1/orders/{order_no}", json={**copy.deepcopy(UNPAID_BODY), **changes},
                                                  headers=headers)


def order(order_no) -> Order:
    db.session.expire_all()
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def close_here(order_no) -> Order:
    """The scheduler's auto-close, as in production; the order must have been closed by it."""
    assert auto_close_unpaid(AFTER_CLOSE)["closed"] >= 1
    closed = order(order_no)
    assert closed.status == "closed" and closed.closed_here_at == AFTER_CLOSE
    assert [e.action for e in entries_for_order(closed.id) if e.actor == "system:scheduler"] == ["order.closed_here"]
    return closed


def reminders(order_id) -> list[tuple]:
    return [(m.dedupe_key, m.status, m.cancel_reason, m.sent_at) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.order_id == order_id).order_by(OutboxMessage.id))]


def assert_paid_after_local_close(order_no, actor_label):
    paid = order(order_no)
    assert paid.status == "paid" and paid.closed_here_at is None
    [entry] = [e for e in entries_for_order(paid.id) if e.action not in ("order.created", "order.updated")
               and e.actor != "system:scheduler"]
    assert (entry.action, entry.actor, entry.before, entry.after) == (
        "order.paid_after_local_close", actor_label, {"status": "closed"}, {"status": "paid"})
    assert "order.paid_after_local_close" in [event.action for event in timeline(paid, "Asia/Shanghai")]
    return paid


def test_the_api_takes_the_platforms_paid_after_shopcs_closed_the_order_and_leaves_its_reminders_as_they_are(api):
    assert api("T1").status_code == 201
    sweep_unpaid(PLACED + timedelta(minutes=31))  # step 1 queued
    message = db.session.scalars(select(OutboxMessage)).one()
    message.status, message.sent_at = "sent", PLACED + timedelta(minutes=32)
    db.session.commit()
    sweep_unpaid(PLACED + timedelta(hours=12, minutes=1))  # step 2 queued, cancelled by the close
    closed = close_here("T1")
    before = reminders(closed.id)
    assert [status for _key, status, _reason, _sent in before] == ["sent", "cancelled"]

    response = api("T1", status="paid", paid_at=PAID_SENT)

    assert response.status_code == 200 and response.json["status"] == "paid"
    assert response.json["paid_at"] == "2026-03-05T07:00:00+00:00"  # as sent
    paid = assert_paid_after_local_close("T1", "token:shop")
    assert paid.paid_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert reminders(paid.id) == before
    assert sweep_unpaid(AFTER_CLOSE + timedelta(minutes=1))["queued"] == 0 and reminders(paid.id) == before


def test_a_later_state_than_paid_is_taken_too(api):
    api("T1")
    close_here("T1")
    assert api("T1", status="shipped", paid_at=PAID_SENT).status_code == 200
    shipped = order("T1")
    assert shipped.status == "shipped" and shipped.closed_here_at is None


def test_a_close_by_the_platform_stays_final(api):
    api("T1", status="closed")
    refused = api("T1", status="paid", paid_at=PAID_SENT)
    assert refused.status_code == 409 and refused.json["error"]["fields"] == {"status": "cannot move from closed to paid"}
    assert order("T1").status == "closed"


def test_the_platforms_close_after_ours_makes_it_final(api):
    api("T1")
    close_here("T1")
    assert api("T1", status="closed").status_code == 200
    assert order("T1").closed_here_at is None
    assert api("T1", status="paid", paid_at=PAID_SENT).status_code == 409
    assert order("T1").status == "closed"


def test_shopcs_close_does_not_take_back_a_state_other_than_paid(api):
    api("T1")
    close_here("T1")
    assert api("T1", status="cancelled").status_code == 409
    assert api("T1", status="unpaid").status_code == 409
    assert order("T1").status == "closed" and order("T1").closed_here_at == AFTER_CLOSE


def test_the_shopify_paid_webhook_after_a_local_close_is_taken_not_stale(client):
    post_shopify(client, "orders/create", fixture_bytes("shopify", "orders_create"), "wh-1")
    auto_close_unpaid(datetime(2022, 1, 5, tzinfo=UTC))
    assert order("SHOPIFY-1234").status == "closed"

    response = post_shopify(client, "orders/paid", fixture_bytes("shopify", "orders_paid"), "wh-2")

    assert response.get_json() == {"outcome": "updated"}
    assert_paid_after_local_close("SHOPIFY-1234", "webhook:Shopify webhook")


def test_a_platform_cancel_by_webhook_stays_final_and_a_late_paid_is_stale(client):
    post_woocommerce(client, "order.updated", fixture_bytes("woocommerce", "order_updated_pending"), "d-1")
    post_woocommerce(client, "order.updated", edited("woocommerce", "order_updated_pending", status="cancelled"), "d-2")
    assert order("WOO-727").status == "cancelled"

    response = post_woocommerce(client, "order.updated", fixture_bytes("woocommerce", "order_created"), "d-3")

    assert response.get_json() == {"outcome": "stale"} and order("WOO-727").status == "cancelled"


def test_the_woocommerce_processing_webhook_after_a_local_close_is_taken(client):
    post_woocommerce(client, "order.updated", fixture_bytes("woocommerce", "order_updated_pending"), "d-1")
    auto_close_unpaid(datetime(2017, 3, 30, tzinfo=UTC))
    assert order("WOO-727").status == "closed"

    response = post_woocommerce(client, "order.updated", fixture_bytes("woocommerce", "order_created"), "d-2")

    assert response.get_json() == {"outcome": "updated"}
    assert_paid_after_local_close("WOO-727", "webhook:WooCommerce webhook")


def csv_row(status: str, paid_at: str) -> str:
    return (f"C1,{status},2026-03-04T09:00:00+08:00,{paid_at},buyer-1,李四,13812345678,,李四,13812345678,浙江省,杭州市,"
            "西湖区,文三路 100 号,310000,SKU-1,围巾,1,99.00,0,0,99.00")


def test_the_csv_import_takes_the_paid_row_after_a_local_close(app):
    actor = Actor.system("csv-import")
    header = ",".join(COLUMNS)
    assert import_orders_csv(f"{header}\n{csv_row('unpaid', '')}\n".encode(), actor, NOW, "Asia/Shanghai").created == ["C1"]
    close_here("C1")

    report = import_orders_csv(f"{header}\n{csv_row('paid', PAID_SENT)}\n".encode(), actor, NOW, "Asia/Shanghai")

    assert report.updated == ["C1"] and report.errors == []
    assert_paid_after_local_close("C1", "system:csv-import")


def test_the_taobao_import_takes_the_paid_row_after_a_local_close(app):
    lines = (Path(__file__).resolve().parents[1] / "fixtures" / "taobao" / "ExportOrderList_gbk.csv").read_bytes() \
        .decode("gbk").splitlines()
    paid_text = "\r\n".join(lines[:2])
    unpaid_text = paid_text.replace("买家已付款，等待卖家发货", "等待买家付款").replace("2026-03-04 09:05:00", "")
    actor = Actor.system("taobao-import")
    assert import_taobao_export(unpaid_text.encode("gbk"), actor, NOW, "Asia/Shanghai").created == ["3051234567890123451"]
    close_here("3051234567890123451")

    report = import_taobao_export(paid_text.encode("gbk"), actor, NOW, "Asia/Shanghai")

    assert report.updated == ["3051234567890123451"] and report.errors == []
    paid = assert_paid_after_local_close("3051234567890123451", "system:taobao-import")
    assert paid.paid_at == datetime(2026, 3, 4, 1, 5, tzinfo=UTC)


def test_the_order_page_timeline_says_paid_after_it_was_closed_here_in_both_languages(api, client, login):
    api("T1")
    close_here("T1")
    api("T1", status="paid", paid_at=PAID_SENT)
    login(client, make_user("amy").username)

    english = client.get("/orders/T1", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/orders/T1", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert "Closed here: not paid in time" in english and "Paid after it was closed here" in english
    assert "未按时付款，本店已关闭" in chinese and "本店关闭后，平台报已付款" in chinese
