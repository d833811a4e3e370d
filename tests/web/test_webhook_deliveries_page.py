"""GET /webhook-deliveries: accepted and refused webhook deliveries for supervisors, operators and admins."""
from datetime import timedelta

from flask import g

from shopcs.extensions import db
from shopcs.webhooks.models import WebhookDelivery

from ..builders import NOW, client_as, make_order

PAGE = "/webhook-deliveries"


def _rows(html: str) -> int:
    return html.count('data-test="webhook-row"')


def _delivery(delivery_id, minutes=0, source="shopify", outcome="created", topic="orders/paid", order_no=None,
              reason=None):
    db.session.add(WebhookDelivery(source=source, delivery_id=delivery_id, topic=topic,
                                   received_at=NOW + timedelta(minutes=minutes), outcome=outcome, order_no=order_no,
                                   reason=reason))


def _seed():
    make_order(order_no="SHOPIFY-1001")
    _delivery("wh-1", 0, order_no="SHOPIFY-1001")
    _delivery("wh-2", 1, outcome="refused", topic="orders/cancelled", reason="The order has invalid fields. currency: only CNY is accepted")
    _delivery("d-1", 2, source="woocommerce", outcome="ignored", topic="order.deleted")
    _delivery("d-2", 3, source="woocommerce", outcome="updated", topic="order.updated", order_no="WOO-GONE")
    db.session.commit()


def test_the_deliveries_show_newest_first_with_local_time_the_order_and_the_refusal_reason(sqlite_app, login):
    _seed()
    client = client_as(sqlite_app, login, "supervisor")
    html = client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert _rows(html) == 4
    assert html.index("d-2") < html.index("d-1") < html.index("wh-2") < html.index("wh-1")
    assert "2026-03-04 10:00:00" in html and "2026-03-04 10:03:00" in html  # Shanghai time
    assert 'href="/orders/SHOPIFY-1001" data-test="webhook-order"' in html
    assert "WOO-GONE" not in html  # an order number that is not an order here is not linked
    assert html.count('data-test="webhook-refused"') == 1 and "currency: only CNY is accepted" in html
    assert "Refused" in html and "Order created" in html and "WooCommerce" in html
    chinese = client.get(PAGE).get_data(as_text=True)
    assert "已拒收" in chinese and "已建订单" in chinese and "Webhook 推送记录" in chinese and "Refused" not in chinese


def test_the_deliveries_filter_by_source_and_outcome_on_both_databases(app, login):
    _seed()
    client = client_as(app, login, "operator")

    assert _rows(client.get(f"{PAGE}?source=woocommerce").get_data(as_text=True)) == 2
    refused = client.get(f"{PAGE}?outcome=refused").get_data(as_text=True)
    assert _rows(refused) == 1 and 'data-outcome="refused"' in refused
    assert _rows(client.get(f"{PAGE}?source=woocommerce&outcome=ignored").get_data(as_text=True)) == 1
    assert 'data-test="webhook-empty"' in client.get(f"{PAGE}?source=woocommerce&outcome=refused").get_data(as_text=True)
    assert _rows(client.get(f"{PAGE}?source=nope&outcome=%25").get_data(as_text=True)) == 4  # unknown: no filter


def test_the_deliveries_page_by_fifty_and_keep_the_filters_on_both_databases(app, login):
    for minute in range(51):
        _delivery(f"wh-{minute}", minute, outcome="refused", reason="bad")
    _delivery("other", 99)
    db.session.commit()
    client = client_as(app, login, "admin")

    first = client.get(f"{PAGE}?outcome=refused").get_data(as_text=True)
    assert _rows(first) == 50 and "wh-50" in first and "outcome=refused" in first and "page=2" in first
    second = client.get(f"{PAGE}?outcome=refused&page=2").get_data(as_text=True)
    assert _rows(second) == 1 and "<code>wh-0</code>" in second
    for page in (10**30, -5, "x"):
        assert client.get(f"{PAGE}?page={page}").status_code == 200


def test_a_hostile_reason_and_topic_are_shown_as_text(sqlite_app, login):
    _delivery("<b>id</b>", outcome="refused", topic="<script>alert(1)</script>", reason='<img src=x onerror="alert(2)">')
    db.session.commit()
    html = client_as(sqlite_app, login, "supervisor").get(PAGE).get_data(as_text=True)

    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>id</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;img src=x onerror=" in html


def test_no_deliveries_show_the_empty_state(sqlite_app, login):
    client = client_as(sqlite_app, login, "supervisor")
    html = client.get(PAGE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _rows(html) == 0 and 'data-test="webhook-empty"' in html and "No webhook deliveries match." in html
    assert "没有符合条件的 Webhook 推送。" in client.get(PAGE).get_data(as_text=True)


def test_supervisors_operators_and_admins_may_read_the_deliveries_and_others_may_not(sqlite_app, login):
    for role in ("supervisor", "operator", "admin"):
        client = client_as(sqlite_app, login, role)
        assert client.get(PAGE).status_code == 200, role
        assert 'data-test="nav-webhooks"' in client.get("/audit").get_data(as_text=True), role
    for role in ("agent", "shipping", "after_sales"):
        client = client_as(sqlite_app, login, role)
        assert client.get(PAGE).status_code == 403, role
        assert 'data-test="nav-webhooks"' not in client.get("/").get_data(as_text=True), role
    g.pop("_login_user", None)
    anonymous = sqlite_app.test_client().get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_page_is_read_only(sqlite_app, login):
    assert client_as(sqlite_app, login, "admin").post(PAGE).status_code == 405
