from datetime import datetime, timedelta, timezone

from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage

from ..builders import NOW, make_customer, make_order, make_user


def _page(client, url="/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _agent(app, login, role="agent"):
    make_user("amy", role=role)
    client = app.test_client()
    login(client, "amy")
    return client


def test_the_queue_shows_each_group_with_its_count_and_the_rows_of_the_first(sqlite_app, login):
    make_order("T100", phone="13812345678")
    make_order("T200", address_confirmed_at=NOW)
    html = _page(_agent(sqlite_app, login))
    assert 'data-test="queue-tab-confirm" data-count="1"' in html and 'data-test="queue-tab-ship" data-count="1"' in html
    assert 'data-order-no="T100"' in html and 'data-order-no="T200"' not in html


def test_phone_numbers_are_masked_in_the_list(sqlite_app, login):
    make_order("T100", phone="13812345678")
    html = _page(_agent(sqlite_app, login))
    assert "138****5678" in html and "13812345678" not in html


def test_a_flagged_phone_shows_a_badge(sqlite_app, login):
    make_order("T100", phone="12345")
    html = _page(_agent(sqlite_app, login), "/?group=flagged")
    assert 'data-order-no="T100"' in html and 'data-test="phone-flag"' in html


def test_an_empty_group_says_so(sqlite_app, login):
    client = _agent(sqlite_app, login)
    html = _page(client, "/?group=refund")
    assert 'data-test="queue-empty"' in html and "没有待处理的退款。" in html  # the default language is Chinese
    english = client.get("/?group=refund", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No refund is waiting for a decision." in english


def test_the_search_box_finds_an_order_by_phone_or_buyer_name_in_any_state(sqlite_app, login):
    make_order("T100", status="shipped", phone="13912345678", customer=make_customer(name="王芳"))
    make_order("T200")
    client = _agent(sqlite_app, login)
    for term in ("139-1234-5678", "王芳", "T100"):
        html = _page(client, f"/?q={term}")
        assert 'data-order-no="T100"' in html and 'data-order-no="T200"' not in html, term
        assert 'data-test="queue-tab-search"' in html


def test_the_queue_pages_by_fifty_with_page_links(sqlite_app, login):
    customer = make_customer()
    for i in range(51):
        make_order(f"P{i:03d}", customer=customer, paid_at=NOW - timedelta(minutes=100 - i), commit=False)
    db.session.commit()
    client = _agent(sqlite_app, login)
    first = _page(client)
    assert first.count('data-test="queue-row"') == 50 and 'data-test="pager-next"' in first
    second = _page(client, "/?group=confirm&page=2")
    assert second.count('data-test="queue-row"') == 1 and 'data-order-no="P050"' in second


def test_sorting_by_total_puts_the_largest_order_first(sqlite_app, login):
    make_order("SMALL", total="10.00")
    make_order("BIG", total="999.00")
    html = _page(_agent(sqlite_app, login), "/?sort=total")
    assert html.index('data-order-no="BIG"') < html.index('data-order-no="SMALL"')


def test_every_team_can_read_the_queue(sqlite_app, login):
    for role in ("after_sales", "shipping", "operator", "supervisor"):
        make_user(role, role=role)
        client = sqlite_app.test_client()
        login(client, role)
        assert client.get("/").status_code == 200, role


def test_the_unpaid_tab_shows_the_reminders_sent_and_the_time_left_in_both_languages(sqlite_app, login):
    now = datetime.now(timezone.utc)
    soon = make_order("U-SOON", status="unpaid", placed_at=now - timedelta(hours=67, minutes=30))  # 4 h 30 min left
    make_order("U-NEW", status="unpaid", placed_at=now - timedelta(minutes=10))
    make_order("CLOSED", status="closed", placed_at=now - timedelta(hours=80), paid_at=None)
    db.session.add(OutboxMessage(dedupe_key=f"unpaid_reminder:{soon.id}:1", kind="unpaid_reminder", order_id=soon.id,
                                 body="请付款", scheduled_for=now, status="sent", sent_at=now, created_at=now))
    db.session.commit()
    client = _agent(sqlite_app, login)

    html = _page(client, "/?group=unpaid")
    english = client.get("/?group=unpaid", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert 'data-test="queue-tab-unpaid" data-count="2"' in html and "催付" in html
    assert html.index('data-order-no="U-SOON"') < html.index('data-order-no="U-NEW"') and 'data-order-no="CLOSED"' not in html
    assert 'data-sent="1"><span class="badge badge-ok">已发 1/2</span>' in html and "已发 0/2" in html
    assert "还剩 4 小时" in html and "还剩 71 小时" in html and "提醒已发" in html
    assert "Unpaid <span" in english and "1/2 sent" in english and "closes in 4 hours" in english
    assert "closes in 71 hours" in english and "Reminders sent" in english


def test_an_empty_unpaid_tab_says_so(sqlite_app, login):
    html = _page(_agent(sqlite_app, login), "/?group=unpaid")
    assert 'data-test="queue-tab-unpaid" data-count="0"' in html and 'data-test="queue-empty"' in html
