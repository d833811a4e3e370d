import re
from datetime import timedelta

from shopcs.actor import Actor
from shopcs.audit.services import record
from shopcs.extensions import db

from ..builders import NOW, client_as, make_order


def _rows(html: str) -> int:
    return html.count('data-test="audit-row"')


def _seed():
    first, second = make_order(order_no="T-AUDIT-1"), make_order(order_no="T-AUDIT-2")
    amy, token = Actor("user:amy", "agent"), Actor("token:shopify", None, is_platform=True)
    record(amy, "address.corrected", NOW, order_id=first.id, before={"city": "杭州市"}, after={"city": "宁波市"})
    record(amy, "refund.approved", NOW + timedelta(minutes=1), order_id=second.id,
           before={"status": "requested"}, after={"status": "approved"})
    record(token, "order.created", NOW + timedelta(minutes=2), order_id=first.id, after={"status": "paid"})
    record(Actor("user:sam", "supervisor"), "carrier.exclusion_added", NOW + timedelta(minutes=3),
           after={"carrier": "ZTO", "province": "西藏自治区"})
    db.session.commit()


def test_the_audit_log_shows_every_entry_newest_first_with_before_and_after(sqlite_app, login):
    _seed()
    html = client_as(sqlite_app, login, "supervisor").get("/audit").get_data(as_text=True)
    assert _rows(html) == 4
    rows = html[html.index('data-test="audit-row"'):]  # the action filter's choices name every action too
    assert rows.index("carrier.exclusion_added") < rows.index("order.created") < rows.index("address.corrected")
    assert "杭州市 → 宁波市" in re.sub(r"<[^>]+>", "", html) and "2026-03-04 10:00:00" in html
    assert "西藏自治区" in html  # an entry without an order shows too


def test_the_audit_log_filters_by_exact_order_no(sqlite_app, login):
    _seed()
    client = client_as(sqlite_app, login, "supervisor")
    html = client.get("/audit?order_no=T-AUDIT-1").get_data(as_text=True)
    assert _rows(html) == 2 and 'data-action="refund.approved"' not in html and "carrier.exclusion_added" not in html
    assert _rows(client.get("/audit?order_no=T-AUDIT").get_data(as_text=True)) == 0
    assert 'data-test="audit-empty"' in client.get("/audit?order_no=NOPE").get_data(as_text=True)


def test_the_audit_log_filters_by_actor_and_action(sqlite_app, login):
    _seed()
    client = client_as(sqlite_app, login, "supervisor")
    assert _rows(client.get("/audit?actor=AMY").get_data(as_text=True)) == 2
    assert _rows(client.get("/audit?actor=shopify").get_data(as_text=True)) == 1
    assert _rows(client.get("/audit?action=refund").get_data(as_text=True)) == 1
    assert _rows(client.get("/audit?action=refund.approved&actor=amy&order_no=T-AUDIT-2").get_data(as_text=True)) == 1
    assert _rows(client.get("/audit?action=%25").get_data(as_text=True)) == 0


def test_the_audit_log_pages_by_fifty_and_keeps_the_filters(sqlite_app, login):
    order = make_order(order_no="T-MANY")
    for minute in range(51):
        record(Actor("user:amy", "agent"), "order.note", NOW + timedelta(minutes=minute), order_id=order.id)
    db.session.commit()
    client = client_as(sqlite_app, login, "admin")
    first = client.get("/audit?order_no=T-MANY").get_data(as_text=True)
    assert _rows(first) == 50 and "order_no=T-MANY" in first and "page=2" in first
    assert _rows(client.get("/audit?order_no=T-MANY&page=2").get_data(as_text=True)) == 1


def test_operators_may_read_the_audit_log_and_agents_may_not(sqlite_app, login):
    assert client_as(sqlite_app, login, "operator").get("/audit").status_code == 200
    for role in ("agent", "shipping", "after_sales"):
        assert client_as(sqlite_app, login, role).get("/audit").status_code == 403


def test_the_audit_log_names_each_action_in_the_readers_language_and_keeps_the_code(sqlite_app, login):
    _seed()
    client = client_as(sqlite_app, login, "supervisor")
    client.post("/lang/zh_CN", data={"next": "/audit"})
    html = client.get("/audit").get_data(as_text=True)
    assert "同意退款" in html and "<code class=\"muted\">refund.approved</code>" in html
    assert "carrier.exclusion_added" in html  # an action without a label shows its code


def test_every_action_the_code_records_has_a_label():
    import pathlib
    import re

    from shopcs.i18n_labels import ACTION_LABELS

    source = pathlib.Path(__file__).resolve().parents[2] / "shopcs"
    # record(actor, "x.y", ...), trace(case, "x.y", ...) and ACTION = "x.y" constants
    literal = re.compile(r'(?:(?:record|trace)\(\s*\w+,\s*|\bACTION\w* = )"([a-z_]+\.[a-z_.]+)"')
    recorded = {m for path in source.rglob("*.py") for m in literal.findall(path.read_text(encoding="utf-8"))}
    recorded |= {"customer.opt_in", "customer.opt_out"} | {f"refund.{s}" for s in ("approved", "rejected", "completed")}
    assert len(recorded) > 40 and recorded - set(ACTION_LABELS) == set()


def test_a_page_number_too_large_for_the_database_shows_an_empty_page_not_an_error(sqlite_app, login):
    _seed()
    client = client_as(sqlite_app, login, "admin")
    for path in ("/audit", "/refunds", "/inbox/after-sales", "/inbox/shipping", "/followup"):
        for page in (10**30, -5, "x"):
            assert client.get(f"{path}?page={page}").status_code == 200, (path, page)


def _seed_coded_entries():
    order = make_order(order_no="T-CODES")
    amy = Actor("user:amy", "agent")
    record(amy, "case.created", NOW, order_id=order.id, after={
        "case_id": 7, "category": "after_sales", "severity": "high", "received_at": "2026-03-04 02:00:00+00:00"})
    record(amy, "refund.requested", NOW, order_id=order.id, after={
        "reason": "not_as_described", "with_return": True, "status": "requested"})
    record(amy, "case.status", NOW, order_id=order.id, before={"status": "open"}, after={"case_id": 7, "status": "resolved"})
    record(amy, "case.assigned", NOW, order_id=order.id, before={"owner": None}, after={"owner": "amy", "how": "round_robin"})
    db.session.commit()


def test_the_audit_log_names_fields_and_coded_values_in_chinese(sqlite_app, login):
    _seed_coded_entries()
    client = client_as(sqlite_app, login, "supervisor")
    client.post("/lang/zh_CN", data={"next": "/audit"})
    html = client.get("/audit?order_no=T-CODES").get_data(as_text=True)
    changes = html[html.index('data-test="audit-table"'):]
    for words in ("<strong>严重程度</strong>: 高", "<strong>原因</strong>: 与描述不符", "<strong>需退货</strong>: 是",
                  "<strong>收到时间</strong>: 2026-03-04 10:00", "<strong>状态</strong>: 处理中 → 已解决",
                  "<strong>方式</strong>: — → 自动分配"):
        assert words in changes, words
    text = re.sub(r"<[^>]+>", " ", changes)  # what a person reads; the action's code is shown on purpose
    for raw in ("after_sales", "not_as_described", "True", "high", "severity", "category", "UTC", "+00:00", "how",
                "round_robin"):
        assert raw not in text, raw


def test_the_audit_log_names_fields_and_coded_values_in_english(sqlite_app, login):
    _seed_coded_entries()
    client = client_as(sqlite_app, login, "supervisor")
    client.post("/lang/en", data={"next": "/audit"})
    html = client.get("/audit?order_no=T-CODES").get_data(as_text=True)
    for words in ("<strong>severity</strong>: High", "<strong>reason</strong>: Not as described",
                  "<strong>with return</strong>: yes", "<strong>received at</strong>: 2026-03-04 10:00",
                  "<strong>status</strong>: Open → Resolved", "<strong>category</strong>: After-sales",
                  "<strong>how</strong>: — → assigned automatically"):
        assert words in html, words


def test_the_count_of_entries_is_singular_for_one_in_english_and_has_one_form_in_chinese(sqlite_app, login):
    _seed_coded_entries()
    client = client_as(sqlite_app, login, "supervisor")
    english = client.get("/audit?action=case.created", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 entry." in english and "1 entries" not in english
    client.post("/lang/zh_CN", data={"next": "/audit"})
    assert "共 1 条记录" in client.get("/audit?action=case.created").get_data(as_text=True)


def test_an_order_line_reads_as_its_title_and_quantity(sqlite_app, login):
    order = make_order(order_no="T-LINES")
    record(Actor("token:shop", None, is_platform=True), "order.updated", NOW, order_id=order.id,
           before={"items": [{"sku": "S1", "title": "围巾", "quantity": 1, "unit_price": "99.00"}]},
           after={"items": [{"sku": "S1", "title": "围巾", "quantity": 2, "unit_price": "99.00"}], "phone_valid": False})
    db.session.commit()
    html = client_as(sqlite_app, login, "supervisor").get("/audit?order_no=T-LINES", headers={"Accept-Language": "en"})
    text = html.get_data(as_text=True)
    assert ('<strong>items</strong>: <span translate="no">围巾 ×1</span> → <span translate="no">围巾 ×2</span>' in text
            and "<strong>phone number valid</strong>: — → no" in text)
    assert "'sku'" not in text and "False" not in text
