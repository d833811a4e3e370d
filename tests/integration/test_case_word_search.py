"""The queue's word search through the word index (shopcs/cases/wordsearch), on SQLite and PostgreSQL: it finds the
same cases as reading every subject and message with LIKE, and every write of a case's text keeps the index exact,
in the write's own transaction."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from shopcs.cases import services
from shopcs.cases.models import Case, CaseEvent, CaseWord
from shopcs.cases.queue.pages import SEARCH, CaseQuery, Viewer, list_page
from shopcs.cases.queue.search import COUNT_LIMIT, _is_number, _like_escape, text_matches
from shopcs.cases.timeline import add_event, case_transaction, lock_case
from shopcs.cases.wordsearch.build import rebuild
from shopcs.cases.wordsearch.index import case_texts, rewriting
from shopcs.cases.wordsearch.rules import case_grams
from shopcs.cases.work import answer_by_assistant
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer

from ..builders import NOW
from ..case_builders import PLATFORM, make_case

SUPERVISOR = Viewer(user_id=None, role="supervisor")  # sees every case
# Chinese, both cases of Latin letters, digits, LIKE's own characters and letters the databases fold differently
# (SQLite folds ASCII only; PostgreSQL folds É, Σ, İ; Python folds Σ at a word's end to ς, one by one to σ)
CHARS = list("包裹破损要求赔偿快递没到了") + list("aAbBsSfFiIkK019 %_\\#-") + list("éÉΣσςİK")
TEXT = st.text(st.sampled_from(CHARS), min_size=1, max_size=12).filter(str.strip)


def stored_grams(case_id: int) -> set[int]:
    return set(db.session.scalars(select(CaseWord.gram).where(CaseWord.case_id == case_id)))


def expected_grams(case_id: int) -> set[int]:
    return case_grams(case_texts([case_id])[case_id])


def searched(term: str, sort: str = "newest", per_page: int = 1000) -> list[int]:
    page = list_page(CaseQuery(tab=SEARCH, q=term, sort=sort), SUPERVISOR, per_page=per_page)
    return [row.id for row in page.rows]


def scanned(term: str) -> set[int]:
    """The scan the index replaces: every case whose subject or a message contains the term."""
    return set(db.session.scalars(select(Case.id).where(text_matches()),
                                  {"term_like": f"%{_like_escape(term.strip())}%"}))


def write_case(subject: str, messages: list[str]) -> Case:
    customer = {"external_id": f"buyer-{subject}-{len(messages)}", "name": "买家甲", "phone": "", "email": ""}
    case = make_case(subject=subject, body=messages[0], customer=customer)
    for number, text in enumerate(messages[1:], 1):
        at = NOW + timedelta(minutes=number)
        if number % 2:
            services.reply(case.id, text, PLATFORM, at, send=False, given_at=at, outbox_channel="manual")
        else:
            services.add_customer_message(case.id, text, PLATFORM, at)
    return case


def _empty_cases():
    for model in (CaseWord, CaseEvent, OutboxMessage, Case, Customer):
        db.session.execute(delete(model))
    db.session.commit()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.tuples(TEXT, st.lists(TEXT, min_size=1, max_size=3)), min_size=1, max_size=4),
       picked=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(1, 4)), max_size=4),
       random_terms=st.lists(TEXT, max_size=3))
def test_the_word_search_finds_the_cases_the_scan_finds(app, cases, picked, random_terms):
    """Terms cut from the cases' own texts (so that most find something) and made up; both sort orders."""
    texts = []
    for subject, messages in cases:
        write_case(subject, messages)
        texts += [subject, *messages]
    terms = [texts[i % len(texts)][start:start + length] for i, start, length in picked] + random_terms
    for term in terms:
        if not term.strip() or _is_number(term.strip()):
            continue  # not a word search (an empty box; a number looks up case nos. and phones only)
        expected = scanned(term)
        assert set(searched(term)) == expected, term
        assert sorted(searched(term, "urgent")) == sorted(expected), term
    _empty_cases()


def test_a_new_case_is_found_by_its_subject_and_first_message(app):
    case = make_case(subject="包裹破损要求赔偿", body="外箱压坏了, 单号 SF1234567890")
    assert stored_grams(case.id) == case_grams(["包裹破损要求赔偿", "外箱压坏了, 单号 SF1234567890"])
    assert searched("破损") == [case.id] and searched("压坏") == [case.id] and searched("sf12345") == [case.id]
    assert searched("赔偿外箱") == []  # the end of the subject and the start of the message are not one text


def test_messages_and_replies_are_found_but_notes_are_not(app):
    case = make_case(subject="物流问题", body="快递三天没动了", channel="chat")
    services.add_customer_message(case.id, "还是没有更新", PLATFORM, NOW + timedelta(minutes=1))
    services.reply(case.id, "已为您催促快递员", PLATFORM, NOW + timedelta(minutes=2), outbox_channel="manual")
    services.reply(case.id, "电话里说明天到", PLATFORM, NOW + timedelta(minutes=3), send=False,
                   given_at=NOW + timedelta(minutes=3), outbox_channel="manual")
    answer_by_assistant(case.id, "您的包裹正在派送", NOW + timedelta(minutes=4), outbox_channel="manual")
    services.add_note(case.id, "内部备注仓库缺货", PLATFORM, NOW + timedelta(minutes=5))
    assert stored_grams(case.id) == expected_grams(case.id)
    for term in ("没有更新", "催促", "明天到", "派送"):
        assert searched(term) == [case.id], term
    assert searched("仓库缺货") == []  # an internal note is not a message


def test_a_write_that_fails_leaves_no_words_behind(app):
    case = make_case(subject="发票问题", body="发票抬头错了")
    before = stored_grams(case.id)
    with pytest.raises(RuntimeError), case_transaction():
        add_event(lock_case(case.id), "customer_message", PLATFORM, NOW, body="顺便问一下退款进度")
        assert searched("退款进度") == [case.id]  # seen inside the transaction
        raise RuntimeError("the rest of the write failed")
    assert stored_grams(case.id) == before and searched("退款进度") == []


def test_rewriting_a_case_keeps_the_words_of_the_texts_it_still_has(app):
    """What a buyer's erasure does: texts blanked inside rewriting() take their words with them."""
    case = make_case(subject="联系电话变更", body="我的新地址是人民路1号")
    other = make_case(subject="人民路的快递点", body="人民路的快递点关门了")
    with case_transaction(), rewriting([case.id]):
        db.session.get(Case, case.id).body = ""
        for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)):
            event.body = ""
    assert stored_grams(case.id) == case_grams(["联系电话变更"])
    assert searched("人民路") == [other.id] and searched("电话变更") == [case.id]
    assert stored_grams(other.id) == expected_grams(other.id)


def test_a_rebuilt_index_equals_the_one_the_writes_kept(app):
    cases = [make_case(subject=f"第{n}个问题", body=f"内容 {n} 号 Ab") for n in range(3)]
    services.add_customer_message(cases[0].id, "追加的消息", PLATFORM, NOW + timedelta(minutes=1))
    kept = {tuple(row) for row in db.session.execute(select(CaseWord.gram, CaseWord.case_id))}
    db.session.execute(delete(CaseWord))
    assert rebuild(db.session.connection(), batch=2) == len(kept)
    assert {tuple(row) for row in db.session.execute(select(CaseWord.gram, CaseWord.case_id))} == kept
    db.session.commit()


def test_a_search_finding_many_cases_counts_to_the_limit_and_pages_on_newest_first(app, monkeypatch):
    monkeypatch.setattr("shopcs.cases.queue.search.COUNT_LIMIT", 3)
    monkeypatch.setattr("shopcs.cases.queue.pages.COUNT_LIMIT", 3)
    cases = [make_case(subject=f"快递问题 {n}") for n in range(5)]
    first = list_page(CaseQuery(tab=SEARCH, q="快递", sort="newest"), SUPERVISOR, per_page=2)
    assert [row.id for row in first.rows] == [cases[4].id, cases[3].id]
    assert (first.total, first.more, first.has_next) == (3, True, True)
    third = list_page(CaseQuery(tab=SEARCH, q="快递", sort="newest", page=3), SUPERVISOR, per_page=2)
    assert [row.id for row in third.rows] == [cases[0].id] and not third.has_next
    assert COUNT_LIMIT >= 100  # the page says "more than …" only past a number worth counting


def test_most_urgent_first_lists_the_open_cases_by_their_clocks_then_the_others_newest_first(app):
    finished_old = make_case(subject="退款问题 1", received_at=NOW - timedelta(hours=5))
    soon = make_case(subject="退款问题 2", received_at=NOW - timedelta(hours=1))
    later = make_case(subject="退款问题 3", received_at=NOW - timedelta(minutes=1))
    finished_new = make_case(subject="退款问题 4", received_at=NOW - timedelta(hours=3))
    for finished in (finished_old, finished_new):
        services.change_status(finished.id, "resolved", PLATFORM, NOW)
    pages = [[row.id for row in list_page(CaseQuery(tab=SEARCH, q="退款", sort="urgent", page=n), SUPERVISOR,
                                          per_page=1).rows] for n in range(1, 6)]
    assert pages == [[soon.id], [later.id], [finished_new.id], [finished_old.id], []]
