"""The refund-rate page: who may read it, the figures with their definitions, bad ranges, and the exports."""
import csv
import io
from datetime import timedelta

from flask import g

from shopcs.extensions import db
from shopcs.timeutil import local_date, utcnow

from ..builders import make_order, make_user
from ..integration.test_refund_rate_report import local, march, mixed_march

MARCH = "start=2026-03-01&end=2026-03-31"


def _client(app, login, role):
    g.pop("_login_user", None)
    user = make_user(f"{role.replace('_', '-')}-reports", role=role)
    client = app.test_client()
    login(client, user.username)
    return client


def test_operators_supervisors_and_admins_read_the_report_and_the_others_may_not(sqlite_app, login):
    for role in ("operator", "supervisor", "admin"):
        client = _client(sqlite_app, login, role)
        assert client.get("/reports/refund-rate").status_code == 200
        assert 'data-test="nav-reports"' in client.get("/").get_data(as_text=True)
    for role in ("agent", "after_sales", "shipping"):
        client = _client(sqlite_app, login, role)
        assert client.get("/reports/refund-rate").status_code == 403
        assert client.get(f"/reports/refund-rate/export?{MARCH}").status_code == 403
    g.pop("_login_user", None)
    assert sqlite_app.test_client().get("/reports/refund-rate").status_code == 302  # to the login page


def test_the_page_shows_the_figures_with_their_definitions(sqlite_app, login):
    march()
    page = _client(sqlite_app, login, "operator").get(f"/reports/refund-rate?{MARCH}").get_data(as_text=True)
    assert 'data-test="total-rate"><strong>66.67%</strong>' in page
    assert 'data-test="total-amount-rate">14.29%' in page and "¥700.00" in page and "¥100.00" in page
    assert "counts once" in page or "只计一次" in page
    assert page.count('data-test="day-row"') == 31 and page.count('data-test="reason-row"') == 2
    assert 'data-sku="SKU-A"' in page
    assert page.count('data-test="agent-row"') == 3 and ">amy<" in page and "（由平台完成）" in page


def test_the_default_range_is_the_30_days_ending_yesterday_and_an_empty_range_shows_a_dash(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    yesterday = local_date(utcnow(), sqlite_app.config["SHOPCS_TIMEZONE"]) - timedelta(days=1)
    page = client.get("/reports/refund-rate").get_data(as_text=True)
    assert f'value="{(yesterday - timedelta(days=29)).isoformat()}"' in page and f'value="{yesterday.isoformat()}"' in page
    assert 'data-test="total-rate"><strong>—</strong>' in page


def test_a_bad_range_is_explained_and_shows_no_figures(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    for query in ("start=2026-03-31&end=2026-03-01", "start=2026-02-30&end=2026-03-01", "start=2020-01-01&end=2026-01-01"):
        answer = client.get(f"/reports/refund-rate?{query}")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422 and 'data-test="range-error"' in page and 'data-test="refund-totals"' not in page


def test_every_table_exports_as_csv_with_a_bom_for_excel_and_as_json(sqlite_app, login):
    orders = march()
    for order in (orders["A"], orders["E"]):  # SKU-A: a title a platform let a seller type
        order.items[0].title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    client = _client(sqlite_app, login, "operator")
    answer = client.get(f"/reports/refund-rate/export?{MARCH}&table=product&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert 'filename="refund-rate-by-product-2026-03-01-2026-03-31.csv"' in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeffsku,title,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == {"sku": "SKU-A", "title": "'=HYPERLINK(\"http://evil\")", "paid_orders": "2", "refunded_orders": "1",
                       "rate": "0.5000", "paid_amount_CNY": "500.00", "refunded_amount_CNY": "50.00"}
    assert rows[1]["rate"] == ""  # SKU-D: refunded but nothing paid in the range
    days = client.get(f"/reports/refund-rate/export?{MARCH}&table=day&format=json").json
    assert days["rate"] == "0.6667" and len(days["rows"]) == 31 and days["rows"][0]["date"] == "2026-03-01"
    assert client.get(f"/reports/refund-rate/export?{MARCH}&table=week").status_code == 422
    assert client.get("/reports/refund-rate/export?start=2026-03-02&end=2026-03-01").status_code == 422


def test_a_mixed_shops_page_shows_money_per_currency_in_the_readers_language(app, login):
    mixed_march()
    client = _client(app, login, "operator")
    for language, yuan, dollars in (("en", "CN¥300.00", "$79.45"), ("zh_CN", "¥300.00", "US$79.45")):
        client.post(f"/lang/{language}", data={"next": "/"})
        page = client.get(f"/reports/refund-rate?{MARCH}").get_data(as_text=True)
        assert 'data-test="total-rate"><strong>50.00%</strong>' in page and 'data-test="total-paid">4<' in page
        assert (f'data-test="total-paid-amount"><span data-currency="CNY" translate="no">{yuan}</span><br>'
                f'<span data-currency="USD" translate="no">{dollars}</span></td>') in page
        assert ('<span data-currency="CNY" translate="no">CNY 10.00%</span><br>'
                '<span data-currency="USD" translate="no">USD 12.59%</span>') in page
    assert ">SKU-U<" in page and '<span data-currency="USD" translate="no">US$20.00</span>' in page


def test_a_mixed_shops_exports_carry_the_currency_on_each_amount(app, login):
    mixed_march()
    client = _client(app, login, "operator")
    text = client.get(f"/reports/refund-rate/export?{MARCH}&table=product&format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert text.startswith("\ufeffsku,title,paid_orders,refunded_orders,rate,paid_amount_CNY,paid_amount_USD,"
                           "refunded_amount_CNY,refunded_amount_USD\r\n")
    assert [(r["sku"], r["paid_orders"], r["paid_amount_CNY"], r["paid_amount_USD"], r["refunded_amount_CNY"],
             r["refunded_amount_USD"]) for r in rows] == [("SKU-A", "2", "100.00", "59.45", "30.00", "10.00"),
                                                          ("SKU-B", "1", "200.00", "0.00", "0.00", "0.00"),
                                                          ("SKU-U", "1", "0.00", "20.00", "0.00", "0.00")]
    body = client.get(f"/reports/refund-rate/export?{MARCH}&table=reason&format=json").json
    assert body["refunded_amount"] == [{"currency": "CNY", "amount": "30.00"}, {"currency": "USD", "amount": "10.00"}]
    assert body["rows"] == [{"reason": "size", "refunded_orders": 1, "refunded_amount": [{"currency": "CNY", "amount": "30.00"}]},
                            {"reason": "quality", "refunded_orders": 1, "refunded_amount": [{"currency": "USD", "amount": "10.00"}]}]
    days = client.get(f"/reports/refund-rate/export?{MARCH}&table=day&format=csv").get_data(as_text=True)
    assert days.startswith("\ufeffdate,paid_orders,refunded_orders,rate,rolling_30d_rate\r\n")  # no money, no currency


def test_the_chinese_page_names_the_reasons(sqlite_app, login):
    march()
    client = _client(sqlite_app, login, "operator")
    client.post("/lang/zh_CN", data={"next": "/"})
    page = client.get(f"/reports/refund-rate?{MARCH}").get_data(as_text=True)
    assert "退款率" in page and "质量问题" in page  # the reason "quality" in Chinese


def test_a_row_clicks_through_to_the_orders_it_counts(sqlite_app, login):
    march()
    client = _client(sqlite_app, login, "operator")
    page = client.get(f"/reports/refund-rate?{MARCH}").get_data(as_text=True)
    assert 'href="/reports/refund-rate/orders?start=2026-03-01&amp;end=2026-03-31&amp;sku=SKU-A"' in page
    orders = client.get(f"/reports/refund-rate/orders?{MARCH}&sku=SKU-A").get_data(as_text=True)
    assert orders.count('data-test="behind-order"') == 2 and 'href="/orders/A"' in orders and "¥50.00" in orders
    by_reason = client.get(f"/reports/refund-rate/orders?{MARCH}&reason=size").get_data(as_text=True)
    assert by_reason.count('data-test="behind-order"') == 1 and 'data-order-no="A"' in by_reason
    assert client.get(f"/reports/refund-rate/orders?{MARCH}").status_code == 404  # which row?
    assert client.get(f"/reports/refund-rate/orders?{MARCH}&sku=A&reason=size").status_code == 404
    assert client.get("/reports/refund-rate/orders?start=2026-04-01&end=2026-03-01&sku=A").status_code == 422
    agent = _client(sqlite_app, login, "agent")
    assert agent.get(f"/reports/refund-rate/orders?{MARCH}&sku=SKU-A").status_code == 403


def test_the_orders_behind_a_row_come_in_pages_of_50(sqlite_app, login):
    for n in range(55):
        make_order(sku="SKU-P", paid_at=local(2026, 3, 2) + timedelta(minutes=n), commit=False)
    db.session.commit()
    client = _client(sqlite_app, login, "operator")
    first = client.get(f"/reports/refund-rate/orders?{MARCH}&sku=SKU-P").get_data(as_text=True)
    second = client.get(f"/reports/refund-rate/orders?{MARCH}&sku=SKU-P&page=2").get_data(as_text=True)
    assert first.count('data-test="behind-order"') == 50 and 'data-test="pager-next"' in first
    assert second.count('data-test="behind-order"') == 5 and 'data-test="pager-prev"' in second
    assert "sku=SKU-P" in second and "start=2026-03-01" in second  # the pager keeps the row and the range
    beyond = client.get(f"/reports/refund-rate/orders?{MARCH}&sku=SKU-P&page={10**30}")
    assert beyond.status_code == 200 and beyond.get_data(as_text=True).count('data-test="behind-order"') == 5  # the last page
