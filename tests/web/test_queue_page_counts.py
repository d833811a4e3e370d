"""The queue's tabs past the cap: "999+" in both languages, with the list's total and pager saying "more than", and
exact figures below the cap."""
from datetime import timedelta

from sqlalchemy import insert

from shopcs.capped_counts import COUNT_CAP
from shopcs.extensions import db
from shopcs.orders.models import Order

from ..builders import NOW, make_order, make_user


def _unconfirmed_orders(count: int) -> None:
    """`count` paid orders waiting for address confirmation, written in one statement (copies of one built order)."""
    model = make_order("MODEL", paid_at=NOW - timedelta(days=1))
    columns = {c.name: getattr(model, c.key) for c in Order.__table__.columns if c.name != "id"}
    db.session.execute(insert(Order.__table__), [
        {**columns, "order_no": f"B{i:05d}", "paid_at": NOW - timedelta(minutes=i)} for i in range(1, count)])
    db.session.commit()


def _pages(app, login, url="/"):
    make_user("amy")
    client = app.test_client()
    login(client, "amy")
    chinese = client.get(url).get_data(as_text=True)
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    return chinese, english


def test_a_tab_past_the_cap_shows_999_plus_and_the_list_says_more_than_999_in_both_languages(sqlite_app, login):
    _unconfirmed_orders(COUNT_CAP + 5)
    chinese, english = _pages(sqlite_app, login)
    for html in (chinese, english):
        assert 'data-test="queue-tab-confirm" data-count="999+"' in html
        assert '>999+</span>' in html and html.count('data-test="queue-row"') == 50
        assert 'data-test="pager-next"' in html
    assert 'title="超过 999 个订单">999+</span>' in chinese
    assert "超过 999 个订单</p>" in chinese and "第 1 页，至少 20 页" in chinese
    assert 'title="More than 999 orders">999+</span>' in english
    assert "More than 999 orders</p>" in english and "Page 1 of at least 20" in english


def test_a_page_past_the_cap_is_reached_by_its_pager(sqlite_app, login):
    _unconfirmed_orders(COUNT_CAP + 5)
    _chinese, english = _pages(sqlite_app, login, "/?group=confirm&page=21")
    assert english.count('data-test="queue-row"') == 5 and "Page 21 of 21" in english  # counted on from the page
    assert "1005 orders</p>" in english and 'data-test="pager-next"' not in english


def test_a_tab_just_below_the_cap_shows_its_exact_count(sqlite_app, login):
    _unconfirmed_orders(COUNT_CAP - 1)
    chinese, english = _pages(sqlite_app, login)
    assert 'data-test="queue-tab-confirm" data-count="999"' in chinese and ">999</span>" in chinese
    assert "共 999 个订单" in chinese and "第 1 页，共 20 页" in chinese and "超过" not in chinese
    assert "999 orders</p>" in english and "Page 1 of 20<" in english and "More than" not in english
