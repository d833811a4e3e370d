"""The queue's search page with the word index: words of the messages find their case, newest first, and a search
that finds more cases than it counts says so."""
import re
from datetime import timedelta

from shopcs.cases import services
from shopcs.timeutil import utcnow

from ..case_builders import PLATFORM
from ..case_page_builders import ENGLISH, client_as, recent_case


def page(client, url):
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def row_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-test="case-row" data-case-id="(\d+)"', html)]


def test_a_word_of_a_later_message_finds_its_case_newest_first(app, login):
    client, _ = client_as(app, login, "agent")
    older = recent_case(5, subject="物流问题", body="快递三天没动了")
    newer = recent_case(1, subject="催一下", body="请尽快发货")
    services.add_customer_message(older.id, "外箱破损了", PLATFORM, utcnow() - timedelta(minutes=2))
    assert row_ids(page(client, "/cases/?q=破损")) == [older.id]
    html = page(client, "/cases/?q=快")  # one character: 快递 and 尽快
    assert row_ids(html) == [newer.id, older.id] and 'data-test="case-tab-search"' in html
    assert row_ids(page(client, "/cases/?q=快&sort=urgent")) == [older.id, newer.id]


def test_a_search_past_the_count_says_more_than(app, login, monkeypatch):
    monkeypatch.setattr("shopcs.cases.queue.pages.COUNT_LIMIT", 2)  # paging on past it: test_case_word_search.py
    client, _ = client_as(app, login, "agent")
    cases = [recent_case(10 - n, subject=f"发票问题 {n}") for n in range(3)]
    html = page(client, "/cases/?q=发票")
    assert row_ids(html) == [case.id for case in reversed(cases)] and "More than 2 cases" in html
    assert "3 cases" not in html
