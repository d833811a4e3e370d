"""The order queue's rows, built in Python (shopcs/orders/queue_rows.py): the markup the page relies on, and every
text of a row escaped, whatever it holds."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2.utils import url_quote
from markupsafe import Markup

from shopcs.orders.queue import QueueRow
from shopcs.orders.queue_rows import RowWords, UnpaidWords, rows_html

from ..html_cells import cells_of

TODAY = date(2026, 3, 4)
FIXED = type("FixedParts", (), {"order_prefix": "/orders/", "check_phone": Markup("check phone"),
                                "confirmed": Markup("address confirmed"), "unconfirmed": Markup("address not confirmed")})
WORDS = RowWords(FIXED, {"paid": "paid", "shipped": "shipped"}, {"paid": "badge-warn", "shipped": "badge-ok"}, TODAY,
                 "Asia/Shanghai")


def a_row(**changes) -> QueueRow:
    values = dict(order_no="T-1001", status="paid", placed_at=datetime(2026, 3, 3, 1, tzinfo=timezone.utc),
                  paid_at=datetime(2026, 3, 3, 1, 30, tzinfo=timezone.utc), total=Decimal("1234.5"), recipient="李四",
                  customer_name="li4", phone="13812345678", phone_valid=True, province="浙江省", city="杭州市",
                  address_confirmed_at=None, promised_ship_date=date(2026, 3, 3))
    return QueueRow(**{**values, **changes})


def test_a_row_shows_the_order_in_the_shops_zone_with_the_phone_masked():
    html = str(rows_html([a_row()], WORDS))
    assert html.startswith('<tr data-test="queue-row" data-order-no="T-1001">')
    assert '<a href="/orders/T-1001" data-test="queue-order-link">T-1001</a>' in html
    assert '<span class="badge badge-warn" data-test="order-status">paid</span>' in html
    assert '<span class="badge badge-danger">2026-03-03</span>' in html  # promised yesterday, not shipped: overdue
    assert cells_of(html).cells == ["T-1001", "李四 (li4)", "138****5678", "浙江省 杭州市", "¥1,234.50", "2026-03-03 09:30",
                                    "paid address not confirmed", "2026-03-03"]


def test_flags_dashes_and_the_promised_date_badges():
    cells = cells_of(rows_html([a_row(phone_valid=False, paid_at=None, customer_name="李四", promised_ship_date=None,
                                      status="shipped")], WORDS))
    assert cells.cells == ["T-1001", "李四", "138****5678 check phone", "浙江省 杭州市", "¥1,234.50", "—", "shipped", "—"]
    assert '<span class="badge badge-warn">2026-03-04</span>' in str(rows_html([a_row(promised_ship_date=TODAY)], WORDS))
    later = str(rows_html([a_row(promised_ship_date=date(2026, 3, 9), address_confirmed_at=TODAY)], WORDS))
    assert '<span class="badge badge-muted">2026-03-09</span>' in later and "address confirmed" in later


HOSTILE = st.text(alphabet=st.sampled_from('<>&"\'/=ab 中'), min_size=1, max_size=30)


@given(order_no=HOSTILE, recipient=HOSTILE, name=HOSTILE, province=HOSTILE, city=HOSTILE)
def test_every_text_of_a_row_is_escaped(order_no, recipient, name, province, city):
    parsed = cells_of(rows_html([a_row(order_no=order_no, recipient=recipient, customer_name=name, province=province,
                                       city=city)], WORDS))
    assert parsed.tags[:3] == ["tr", "td", "a"] and parsed.tags.count("td") == 8
    assert parsed.cells[0] == order_no and parsed.cells[3] == f"{province} {city}"
    assert parsed.cells[1] == (recipient if name == recipient else f"{recipient} ({name})")
    # attributes too: nothing leaves its quotes, and the values read back as given
    assert parsed.attrs[:3] == [("tr", {"data-test": "queue-row", "data-order-no": order_no}), ("td", {}),
                                ("a", {"href": "/orders/" + url_quote(order_no), "data-test": "queue-order-link"})]


def unpaid_words(now, sent=None, reminders=lambda sent, cap: f"{sent}/{cap} sent") -> UnpaidWords:
    return UnpaidWords(now=now, auto_close=timedelta(hours=72), cap=2, sent=sent or {}, reminders=reminders,
                       hours=lambda n: f"closes in {n} h", minutes=lambda n: f"closes in {n} min", closing_now="closing now")


def test_an_unpaid_row_shows_when_it_was_placed_the_reminders_sent_and_the_time_left():
    placed = datetime(2026, 3, 3, 1, tzinfo=timezone.utc)
    row = a_row(status="unpaid", paid_at=None, id=7, placed_at=placed)
    html = str(rows_html([row], WORDS, unpaid_words(placed + timedelta(hours=66, minutes=30), {7: 1})))
    assert cells_of(html).cells == ["T-1001", "李四 (li4)", "138****5678", "浙江省 杭州市", "¥1,234.50", "2026-03-03 09:00",
                                    "1/2 sent", "closes in 5 h"]
    assert 'data-test="queue-reminders" data-sent="1"><span class="badge badge-ok">' in html
    assert '<span class="badge badge-danger">closes in 5 h</span>' in html  # within 6 hours: red


@pytest.mark.parametrize("hours_placed_ago, text, badge", [
    (10, "closes in 62 h", "badge-muted"), (50, "closes in 22 h", "badge-warn"), (71.5, "closes in 30 min", "badge-danger"),
    (72, "closing now", "badge-danger"), (80, "closing now", "badge-danger"),
])
def test_the_time_left_is_whole_hours_then_minutes_then_closing_now(hours_placed_ago, text, badge):
    placed = datetime(2026, 3, 3, 1, tzinfo=timezone.utc)
    html = str(rows_html([a_row(status="unpaid", placed_at=placed)], WORDS, unpaid_words(placed + timedelta(hours=hours_placed_ago))))
    assert f'<span class="badge {badge}">{text}</span>' in html
    assert 'data-sent="0"><span class="badge badge-muted">0/2 sent</span>' in html


@given(order_no=HOSTILE, recipient=HOSTILE, words=HOSTILE)
def test_every_text_of_an_unpaid_row_is_escaped(order_no, recipient, words):
    placed = datetime(2026, 3, 3, 1, tzinfo=timezone.utc)
    parsed = cells_of(rows_html([a_row(order_no=order_no, recipient=recipient, customer_name=recipient, placed_at=placed)], WORDS,
                                unpaid_words(placed, reminders=lambda sent, cap: words)))
    assert parsed.tags.count("td") == 8 and parsed.cells[0] == order_no and parsed.cells[1] == recipient
    assert parsed.attrs[0] == ("tr", {"data-test": "queue-row", "data-order-no": order_no})
    assert parsed.cells[6] == words


def test_the_total_is_in_the_orders_currency_as_the_reader_writes_it():
    usd = a_row(total=Decimal("59.45"), currency="USD")
    english = RowWords(FIXED, {}, {}, TODAY, "Asia/Shanghai", "en")
    assert cells_of(rows_html([usd], WORDS)).cells[4] == "US$59.45"
    assert cells_of(rows_html([usd], english)).cells[4] == "$59.45"
    assert cells_of(rows_html([a_row(total=Decimal("1200.00"), currency="JPY")], english)).cells[4] == "¥1,200"
