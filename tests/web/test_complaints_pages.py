"""The complaints review and the missed-target pages through the Flask client: roles (operators read, without case
links), rows and counts, filters, paging, CSV with its byte-order mark and JSON, bad links and empty states."""
import csv
import io
import json
import re
from datetime import timedelta

import pytest

from shopcs.cases import services
from shopcs.timeutil import local_date, utcnow

from ..case_builders import answer, as_user
from ..case_page_builders import ENGLISH, client_as, recent_case, round_the_clock


@pytest.fixture
def app(app):
    round_the_clock()
    return app


@pytest.fixture
def sqlite_app(sqlite_app):
    round_the_clock()
    return sqlite_app


def get(client, url, status=200):
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == status, (url, response.status_code)
    return response


def row_ids(html: str, kind: str = "complaint") -> list[int]:
    return [int(n) for n in re.findall(rf'data-test="{kind}-row" data-case-id="(\d+)"', html)]


def _followed_up(supervisor):
    """A critical complaint answered, acknowledged with a note and resolved; a high one waiting; a normal one new;
    a question that is not a complaint."""
    boss = as_user(supervisor)
    handled = recent_case(30, category="complaint", severity="critical", subject="快递员态度恶劣 <b>投诉</b>")
    answer(handled.id, "非常抱歉", boss, utcnow() - timedelta(minutes=28))
    services.acknowledge(handled.id, boss, utcnow() - timedelta(minutes=20), "已致电买家道歉")
    services.change_status(handled.id, "resolved", boss, utcnow() - timedelta(minutes=10))
    waiting = recent_case(20, category="complaint", severity="high")
    new = recent_case(2, category="complaint")
    question = recent_case(1)
    return handled.id, waiting.id, new.id, question.id


@pytest.mark.parametrize("url", ["/complaints/", "/complaints/export", "/cases/breaches", "/cases/breaches/export"])
def test_supervisors_admins_and_operators_read_the_reviews_and_others_are_refused(sqlite_app, login, url):
    for role in ("supervisor", "admin", "operator"):
        client, _user = client_as(sqlite_app, login, role)
        get(client, url)
    for role in ("agent", "after_sales", "shipping"):
        client, _user = client_as(sqlite_app, login, role)
        get(client, url, 403)


def test_the_review_shows_each_complaint_with_its_follow_up_and_the_counts(app, login):
    client, supervisor = client_as(app, login, "supervisor")
    handled, waiting, new, question = _followed_up(supervisor)
    page = get(client, "/complaints/").get_data(as_text=True)
    assert row_ids(page) == [new, waiting, handled] and question not in row_ids(page)
    row = re.search(rf'data-case-id="{handled}">(.*?)</tr>', page, re.S).group(1)
    assert "已致电买家道歉" in row and "supervisor" in row and "after 2 min" in row and "Critical" in row
    assert "&lt;b&gt;投诉&lt;/b&gt;" in row  # the buyer's subject is escaped
    assert 'data-test="awaiting-acknowledgement"' in re.search(rf'data-case-id="{waiting}">(.*?)</tr>', page, re.S).group(1)
    assert 'data-test="count-critical-resolved">1<' in page and 'data-test="count-high-new">1<' in page
    assert 'data-test="count-total-new">2<' in page and 'data-test="count-total">3<' in page
    assert f'href="/cases/{handled}"' in page


def test_an_operator_reads_the_review_without_links_into_the_cases(sqlite_app, login):
    _client, supervisor = client_as(sqlite_app, login, "supervisor")
    handled, *_rest = _followed_up(supervisor)
    client, _user = client_as(sqlite_app, login, "operator")
    page = get(client, "/complaints/").get_data(as_text=True)
    assert handled in row_ids(page) and f'href="/cases/{handled}"' not in page and 'href="/cases/"' not in page


def test_the_filters_narrow_the_rows_and_keep_the_counts(sqlite_app, login):
    client, supervisor = client_as(sqlite_app, login, "supervisor")
    handled, waiting, new, _question = _followed_up(supervisor)
    assert row_ids(get(client, "/complaints/?severity=critical").get_data(as_text=True)) == [handled]
    assert row_ids(get(client, "/complaints/?status=new").get_data(as_text=True)) == [new, waiting]
    page = get(client, "/complaints/?unacknowledged=1&severity=bogus").get_data(as_text=True)
    assert row_ids(page) == [waiting] and 'data-test="count-total">3<' in page
    assert 'data-test="complaints-empty"' in get(client, "/complaints/?severity=low").get_data(as_text=True)


def test_an_empty_window_and_a_bad_range_are_answered_clearly(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "supervisor")
    page = get(client, "/complaints/").get_data(as_text=True)
    assert "No complaint was received in this range." in page and 'data-test="count-total">0<' in page
    bad = get(client, "/complaints/?start=2026-03-10&end=2026-03-01", 422).get_data(as_text=True)
    assert 'data-test="range-error"' in bad
    assert get(client, "/cases/breaches?start=2026-13-01&end=2026-03-01", 422).status_code == 422
    assert get(client, "/complaints/export?format=xls", 422).get_data(as_text=True).startswith("format:")
    assert get(client, "/cases/breaches/export?start=x", 422).status_code == 422


def test_the_review_is_paged_fifty_complaints_at_a_time(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "supervisor")
    for minutes in range(51):
        recent_case(minutes + 1, category="complaint", severity="low")
    first = get(client, "/complaints/?severity=low").get_data(as_text=True)
    assert len(row_ids(first)) == 50 and 'data-test="pager-next"' in first and "severity=low" in first
    assert len(row_ids(get(client, "/complaints/?severity=low&page=2").get_data(as_text=True))) == 1


def test_the_review_exports_as_csv_with_a_byte_order_mark_and_as_json(app, login):
    client, supervisor = client_as(app, login, "supervisor")
    handled, waiting, new, _question = _followed_up(supervisor)
    response = get(client, "/complaints/export?format=csv&severity=critical")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffid,received_at,") and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [int(r["id"]) for r in rows] == [handled]
    assert rows[0]["acknowledgement_note"] == "已致电买家道歉" and rows[0]["acknowledged_by"] == "supervisor"
    body = json.loads(get(client, "/complaints/export?format=json").get_data(as_text=True))
    assert [r["id"] for r in body["rows"]] == [new, waiting, handled] and body["complaints"] == 3
    assert body["end"] == local_date(utcnow(), "Asia/Shanghai").isoformat()  # the default window ends today


def test_the_breaches_page_counts_and_lists_the_missed_targets_by_channel(app, login):
    """Round the clock: chat 5 minutes, phone 3. Answered at the due time is met; unanswered past it is missed."""
    client, supervisor = client_as(app, login, "supervisor")
    met = recent_case(10)
    answer(met.id, "您好", as_user(supervisor), met.first_response_due_at)
    late = recent_case(10)
    answer(late.id, "您好", as_user(supervisor), late.first_response_due_at + timedelta(seconds=1))
    silent = recent_case(10, channel="phone")
    waiting = recent_case(1)
    page = get(client, "/cases/breaches").get_data(as_text=True)
    assert sorted(row_ids(page, "breach")) == sorted([late.id, silent.id])
    assert met.id not in row_ids(page, "breach") and waiting.id not in row_ids(page, "breach")
    assert 'data-channel="chat" data-cases="3" data-breaches="1"' in page and "33.33%" in page
    assert 'data-test="breach-total" data-cases="4" data-breaches="2"' in page and "50.00%" in page
    assert row_ids(get(client, "/cases/breaches?channel=phone").get_data(as_text=True), "breach") == [silent.id]
    text = get(client, "/cases/breaches/export?format=csv").get_data(as_text=True)
    assert text.startswith("\ufeffid,received_at,category,channel")
    assert sorted(int(r["id"]) for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))) == sorted([late.id, silent.id])


def test_no_breach_is_an_empty_state_not_an_empty_table(sqlite_app, login):
    client, _user = client_as(sqlite_app, login, "operator")
    page = get(client, "/cases/breaches").get_data(as_text=True)
    assert 'data-test="breaches-empty"' in page and 'data-test="breach-total" data-cases="0"' in page
