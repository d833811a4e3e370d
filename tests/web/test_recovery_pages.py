"""The unpaid-recovery, repurchase and concerns pages: who may read them, the figures beside their definitions,
bad ranges, empty ranges, the exports, the concerns' click-through, and their API's keys and refusals."""
import csv
import io
import json
from datetime import timedelta

import pytest

from shopcs.extensions import db
from shopcs.timeutil import local_date, utcnow

from ..builders import make_order, make_token
from ..integration import test_concerns_report, test_recovery_report, test_repurchase_report
from ..integration.test_refund_rate_report import local
from .test_report_pages import _client

ENGLISH = {"Accept-Language": "en"}
MARCH = "start=2026-03-01&end=2026-03-31"
PAGES = ("/reports/unpaid-recovery", "/reports/repurchase", "/reports/concerns")
TOTALS = {"/reports/unpaid-recovery": "recovery-totals", "/reports/repurchase": "repurchase-totals",
          "/reports/concerns": "concerns-totals"}


def test_operators_supervisors_and_admins_read_the_pages_and_agents_may_not(sqlite_app, login):
    for role in ("operator", "supervisor", "admin"):
        client = _client(sqlite_app, login, role)
        for page in PAGES:
            assert client.get(page).status_code == 200, (role, page)
    for role in ("agent", "after_sales", "shipping"):
        client = _client(sqlite_app, login, role)
        for page in PAGES:
            assert client.get(page).status_code == 403, (role, page)
            assert client.get(f"{page}/export?{MARCH}").status_code == 403, (role, page)
        assert client.get(f"/reports/concerns/orders?{MARCH}&category=price").status_code == 403


def test_every_page_links_to_the_other_reports_for_the_same_range(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    for page in PAGES:
        html = client.get(f"{page}?{MARCH}").get_data(as_text=True)
        assert 'data-test="report-nav"' in html and 'aria-current="page"' in html
        for other in ("refund-rate", "unpaid-recovery", "repurchase", "concerns"):
            assert f'href="/reports/{other}?start=2026-03-01&amp;end=2026-03-31" data-test="report-nav-{other}"' in html


def test_the_recovery_page_shows_the_figures_beside_their_definitions(sqlite_app, login):
    test_recovery_report.march()
    page = _client(sqlite_app, login, "operator").get(f"/reports/unpaid-recovery?{MARCH}", headers=ENGLISH).get_data(as_text=True)
    assert 'data-test="total-rate"><strong>70.00%</strong>' in page and 'data-test="total-orders">10<' in page
    assert 'data-test="reminded-rate">66.67%' in page and 'data-test="not-reminded-rate">75.00%' in page
    assert 'data-seconds="1230">0:20:30<' in page and "¥1,210.00" in page
    assert "not paid within 30 minutes" in page and "a reminder sent after the payment" in page
    assert page.count('data-test="step-row"') == 4 and 'data-step="hand"' in page


def test_the_repurchase_page_shows_the_figures_beside_their_definitions(sqlite_app, login):
    test_repurchase_report.march()
    page = _client(sqlite_app, login, "operator").get(f"/reports/repurchase?{MARCH}", headers=ENGLISH).get_data(as_text=True)
    assert 'data-test="multi-rate"><strong>66.67%</strong>' in page and 'data-test="returning-rate"><strong>50.00%' in page
    assert page.count('data-test="orders-paid-row"') == 5 and "had an order paid before it" in page


def test_the_concerns_page_shows_the_figures_beside_their_definitions_and_the_categories_names(sqlite_app, login):
    test_concerns_report.march()
    client = _client(sqlite_app, login, "operator")
    page = client.get(f"/reports/concerns?{MARCH}").get_data(as_text=True)
    assert 'data-test="total-rate"><strong>60.00%</strong>' in page and page.count('data-test="category-row"') == 4
    assert "付款方式" in page  # the order page's label of "payment_method", in the shop's default language
    client.post("/lang/en", data={"next": "/"})
    page = client.get(f"/reports/concerns?{MARCH}").get_data(as_text=True)
    assert ">Payment method</a>" in page and "paid at or after a concern was recorded" in page


def test_the_default_range_is_the_30_days_ending_yesterday_and_an_empty_range_shows_dashes(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    yesterday = local_date(utcnow(), sqlite_app.config["SHOPCS_TIMEZONE"]) - timedelta(days=1)
    for page, empty in zip(PAGES, ("recovery-empty", "repurchase-empty", "concerns-empty"), strict=True):
        html = client.get(page).get_data(as_text=True)
        assert f'value="{(yesterday - timedelta(days=29)).isoformat()}"' in html and f'value="{yesterday.isoformat()}"' in html
        assert f'data-test="{empty}"' in html and "<strong>—</strong>" in html, page


def test_a_bad_range_is_explained_and_shows_no_figures(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    for page in PAGES:
        for query in ("start=2026-03-31&end=2026-03-01", "start=2026-02-30&end=2026-03-01", "start=2020-01-01&end=2026-01-01"):
            answer = client.get(f"{page}?{query}")
            html = answer.get_data(as_text=True)
            assert answer.status_code == 422 and 'data-test="range-error"' in html, (page, query)
            assert f'data-test="{TOTALS[page]}"' not in html
        assert client.get(f"{page}/export?start=2026-03-31&end=2026-03-01").status_code == 422
        assert client.get(f"{page}/export?{MARCH}&format=xlsx").status_code == 422


EXPORTS = [
    (test_recovery_report.march, "/reports/unpaid-recovery", "unpaid-recovery-by-step",
     "step,orders,recovered,rate,recovered_amount_CNY",
     {"step": "1", "orders": "1", "recovered": "1", "rate": "1.0000", "recovered_amount_CNY": "300.00"}),
    (test_repurchase_report.march, "/reports/repurchase", "repurchase-by-orders-paid", "orders_paid,customers,returning",
     {"orders_paid": "1", "customers": "2", "returning": "1"}),
    (test_concerns_report.march, "/reports/concerns", "concerns-by-category", "category,concerns,orders,paid_since,rate",
     {"category": "price", "concerns": "3", "orders": "3", "paid_since": "2", "rate": "0.6667"}),
]


def _as_json(csv_row: dict) -> dict:
    """A CSV row as the JSON export gives it: counts as numbers; steps, buckets and rates as text; money, one CSV column
    per currency ("recovered_amount_CNY"), as a list of amounts with their currency."""
    row = {}
    for k, v in csv_row.items():
        name, _, currency = k.rpartition("_")
        if name.endswith("_amount"):
            row.setdefault(name, []).append({"currency": currency, "amount": v})
        else:
            row[k] = int(v) if v.isdigit() and k not in ("step", "orders_paid") else v
    return row


@pytest.mark.parametrize(("march", "page", "name", "header", "first"), EXPORTS, ids=[e[1] for e in EXPORTS])
def test_every_table_exports_as_csv_with_a_bom_for_excel_and_as_json(sqlite_app, login, march, page, name, header, first):
    march()
    client = _client(sqlite_app, login, "operator")
    answer = client.get(f"{page}/export?{MARCH}&format=csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert f'filename="{name}-2026-03-01-2026-03-31.csv"' in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff" + header + "\r\n")
    assert next(csv.DictReader(io.StringIO(text.lstrip("\ufeff")))) == first
    answer = client.get(f"{page}/export?{MARCH}&format=json")
    assert answer.mimetype == "application/json"
    assert f'filename="{name}-2026-03-01-2026-03-31.json"' in answer.headers["Content-Disposition"]
    body = json.loads(answer.get_data(as_text=True))
    assert body["start"] == "2026-03-01" and body["rows"][0] == _as_json(first)


def test_an_empty_table_exports_as_its_header(sqlite_app, login):
    client = _client(sqlite_app, login, "operator")
    empty = client.get("/reports/unpaid-recovery/export?start=2025-01-01&end=2025-01-01").get_data(as_text=True)
    assert empty == "\ufeffstep,orders,recovered,rate,recovered_amount_CNY\r\n"  # no money: the shop's currency
    assert client.get("/reports/concerns/export?start=2025-01-01&end=2025-01-01&format=json").json["rate"] is None


def test_a_concern_row_clicks_through_to_its_orders_in_pages(sqlite_app, login):
    test_concerns_report.march()
    for n in range(55):
        made = make_order(order_no=f"Q{n:02d}", status="unpaid", placed_at=local(2026, 3, 2), commit=False)
        db.session.flush()
        test_concerns_report.concern(made, "other", local(2026, 3, 2) + timedelta(minutes=n))
    db.session.commit()
    client = _client(sqlite_app, login, "operator")
    page = client.get(f"/reports/concerns?{MARCH}").get_data(as_text=True)
    assert 'href="/reports/concerns/orders?start=2026-03-01&amp;end=2026-03-31&amp;category=price"' in page
    price = client.get(f"/reports/concerns/orders?{MARCH}&category=price").get_data(as_text=True)
    assert price.count('data-test="behind-order"') == 3 and 'href="/orders/O3"' in price and "价格" in price
    first = client.get(f"/reports/concerns/orders?{MARCH}&category=other").get_data(as_text=True)
    second = client.get(f"/reports/concerns/orders?{MARCH}&category=other&page=2").get_data(as_text=True)
    assert first.count('data-test="behind-order"') == 50 and 'data-order-no="Q54"' in first  # the latest first
    assert second.count('data-test="behind-order"') == 5 and "category=other" in second and "start=2026-03-01" in second
    assert client.get(f"/reports/concerns/orders?{MARCH}").status_code == 404  # which category?
    assert client.get("/reports/concerns/orders?start=2026-04-01&end=2026-03-01&category=price").status_code == 422


def test_the_api_gives_the_documented_keys_and_refuses_bad_input_and_missing_tokens(sqlite_app):
    client = sqlite_app.test_client()
    headers = {"Authorization": f"Bearer {make_token('sheet')}"}
    keys = {
        "unpaid-recovery": {"start", "end", "grace_seconds", "orders", "recovered", "rate", "recovered_amount",
                            "reminded_orders", "reminded_recovered", "reminded_rate", "reminded_recovered_amount",
                            "not_reminded_orders", "not_reminded_recovered", "not_reminded_rate",
                            "not_reminded_recovered_amount", "median_seconds_to_pay", "rows"},
        "repurchase": {"start", "end", "customers", "returning", "returning_rate", "multi", "multi_rate", "rows"},
        "concerns": {"start", "end", "concerns", "orders", "paid_since", "rate", "rows"},
    }
    for report, expected in keys.items():
        answer = client.get(f"/api/v1/reports/{report}?{MARCH}", headers=headers)
        assert answer.status_code == 200 and set(answer.json) == expected, report
        bad = client.get(f"/api/v1/reports/{report}?start=2026-03-01&end=march", headers=headers)
        assert bad.status_code == 422 and bad.json["error"]["code"] == "validation_error" and "end" in bad.json["error"]["fields"]
        assert client.get(f"/api/v1/reports/{report}?{MARCH}").status_code == 401
        assert client.get(f"/api/v1/reports/{report}?{MARCH}", headers={"Authorization": "Bearer nope"}).status_code == 401
