"""Reply templates on SQLite and PostgreSQL: writing and searching them, refusals that write nothing, the audit
trail, the variables of a case, the picker's JSON, and the defaults `flask db upgrade` puts in."""
import importlib.util
import pathlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.cases.queries import get_case
from shopcs.cases.replies import templates as service
from shopcs.cases.replies.models import ReplyTemplate
from shopcs.cases.replies.rules import DEFAULT_TEMPLATES
from shopcs.errors import Invalid, NotFound
from shopcs.extensions import db
from shopcs.orders.models import Refund, Shipment

from ..builders import NOW, make_customer, make_order, make_user
from ..case_builders import PLATFORM, as_user, make_case
from ..conftest import make_app

MIGRATION = pathlib.Path(__file__).parents[2] / "migrations" / "versions" / "c7a1d3e5f9b2_reply_templates.py"


def _values(**changes) -> dict:
    values = {"key": "tracking-late", "category": "tracking", "language": "zh_CN", "title": "物流延误",
              "body": "您好，{buyer_name}！订单 {order_no} 的包裹由 {carrier} 承运，运单号 {tracking_no}。"}
    values.update(changes)
    return values


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(ReplyTemplate)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)))


def _audit() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _supervisor():
    return as_user(make_user("sue", role="supervisor"))


def test_a_created_template_is_stored_audited_and_found_by_title_body_category_and_language(app):
    actor = _supervisor()
    created = service.create_template(_values(), actor, NOW)
    service.create_template(_values(key="greeting", category="", language="en", title="Greeting", body="Hello!"), actor, NOW)
    assert (created.key, created.category, created.active, created.created_by) == ("tracking-late", "tracking", True, "user:sue")
    [entry] = [e for e in _audit() if e.after["key"] == "tracking-late"]
    assert entry.action == "reply_template.created" and entry.actor == "user:sue" and entry.after["title"] == "物流延误"

    def keys(**query):
        return [t.key for t in service.search_templates(**query).items]

    assert keys(q="延误") == ["tracking-late"] and keys(q="运单号") == ["tracking-late"]
    assert keys(q="HELLO") == ["greeting"]  # any case
    assert keys(category="tracking") == ["tracking-late"] and keys(category="any") == ["greeting"]
    assert keys(language="en") == ["greeting"] and keys(q="%") == [] and keys(q="nothing like it") == []


@pytest.mark.parametrize("body, problem", [
    ("您好 {buyer}", "unknown variable"),
    ("{order_no.__class__.__init__.__globals__}", "not allowed"),
    ("{order_no!r}", "not allowed"),
    ("{order_no:>100000}", "not allowed"),
    ("{0}", "not allowed"),
    ("运费 {", "unbalanced"),
])
def test_a_template_with_an_unknown_variable_or_a_format_trick_is_refused_and_writes_nothing(app, body, problem):
    actor = _supervisor()
    before = _counts()
    with pytest.raises(Invalid) as refused:
        service.create_template(_values(body=body), actor, NOW)
    assert problem in refused.value.fields["body"]
    assert _counts() == before


def test_every_bad_field_is_named_at_once_and_a_taken_key_is_refused_per_language(app):
    actor = _supervisor()
    with pytest.raises(Invalid) as refused:
        service.create_template({"key": "Not A Slug", "category": "weather", "language": "fr", "title": "",
                                 "body": "x" * 2001}, actor, NOW)
    assert set(refused.value.fields) == {"key", "category", "language", "title", "body"}
    service.create_template(_values(), actor, NOW)
    before = _counts()
    with pytest.raises(Invalid) as taken:
        service.create_template(_values(title="again"), actor, NOW)
    assert "key" in taken.value.fields and _counts() == before
    assert service.create_template(_values(language="en", title="Late parcel", body="Hello {buyer_name}"), actor, NOW).id


def test_an_update_records_what_changed_and_a_refused_one_changes_nothing(app):
    actor = _supervisor()
    template = service.create_template(_values(), actor, NOW)
    later = NOW + timedelta(hours=1)
    service.update_template(template.id, _values(title="物流延误答复", category=""), actor, later)
    stored = db.session.get(ReplyTemplate, template.id)
    assert (stored.title, stored.category, stored.updated_at, stored.key) == ("物流延误答复", None, later, "tracking-late")
    entry = _audit()[-1]
    assert entry.action == "reply_template.updated"
    assert entry.before == {"key": "tracking-late", "category": "tracking", "title": "物流延误"}
    assert entry.after == {"key": "tracking-late", "category": None, "title": "物流延误答复"}

    before = _counts()
    with pytest.raises(Invalid):
        service.update_template(template.id, _values(body="{refund_amount.real}"), actor, later)
    db.session.expire_all()
    assert db.session.get(ReplyTemplate, template.id).body == _values()["body"] and _counts() == before
    service.update_template(template.id, _values(title="物流延误答复", category=""), actor, later)  # no change: no trace
    assert _counts() == before
    with pytest.raises(NotFound):
        service.update_template(999999, _values(), actor, later)


def test_a_deactivated_template_leaves_the_picker_but_stays_listed(app):
    actor = _supervisor()
    template = service.create_template(_values(), actor, NOW)
    service.deactivate_template(template.id, actor, NOW)
    service.deactivate_template(template.id, actor, NOW)  # twice: one trace
    assert [e.action for e in _audit()] == ["reply_template.created", "reply_template.deactivated"]
    assert service.list_templates() == [] and service.search_templates().items == []
    assert [t.key for t in service.search_templates(active=False).items] == ["tracking-late"]
    assert [t.key for t in service.search_templates(active=None).items] == ["tracking-late"]


def _ship(order, carrier="SF", tracking_no="SF1234567890123", shipped_on=date(2026, 3, 3)):
    db.session.add(Shipment(order_id=order.id, carrier=carrier, tracking_no=tracking_no, shipped_on=shipped_on,
                            created_by="user:sam", created_at=NOW))


def _refund(order, amount, status):
    db.session.add(Refund(order_id=order.id, amount=Decimal(amount), reason="size", status=status,
                          requested_by="user:amy", requested_at=NOW))


def test_the_variables_of_a_case_with_an_order_come_from_its_latest_shipment_and_refund(app):
    order = make_order("T9001", customer=make_customer(name="王芳"), total="2000.00")
    _ship(order, "ZTO", "773012345678901", date(2026, 3, 2))
    _ship(order)
    _refund(order, "1234.50", "completed")
    _refund(order, "10.00", "rejected")  # refused: not the money the buyer gets
    _refund(order, "20.00", "requested")  # not agreed yet: no reply may say it is made
    db.session.commit()
    agent = make_user("amy", role="agent")
    agent.display_name = "小美"
    db.session.commit()
    case = get_case(make_case(order_no="T9001").id)
    assert service.values_for(case, agent) == {
        "buyer_name": "王芳", "order_no": "T9001", "carrier": "顺丰速运", "tracking_no": "SF1234567890123",
        "ship_date": "2026-03-03", "refund_amount": "¥1,234.50", "agent_name": "小美", "case_no": str(case.id)}
    assert service.values_for(case, as_user(agent), "en")["carrier"] == "SF Express"
    assert service.values_for(case, as_user(agent))["agent_name"] == "小美"  # an Actor is looked up


def test_a_case_without_order_shipment_or_refund_leaves_those_variables_empty(app):
    case = get_case(make_case(customer={"external_id": "b1", "name": "李四", "phone": "", "email": ""}).id)
    values = service.values_for(case, None)
    assert values["buyer_name"] == "李四" and values["case_no"] == str(case.id)
    assert all(values[name] == "" for name in ("order_no", "carrier", "tracking_no", "ship_date", "refund_amount",
                                               "agent_name"))
    make_order("T9002", customer=make_customer(name=""), recipient="赵六")  # paid, not shipped, no refund
    bare = get_case(make_case(order_no="T9002").id)
    assert service.values_for(bare, PLATFORM) == {
        "buyer_name": "赵六", "order_no": "T9002", "carrier": "", "tracking_no": "", "ship_date": "",
        "refund_amount": "", "agent_name": "", "case_no": str(bare.id)}


def test_rendering_inserts_values_as_they_are_without_formatting_them_again(app):
    actor = _supervisor()
    template = service.create_template(_values(body="{buyer_name} · {{order_no}} · {order_no}"), actor, NOW)
    make_order("T9003", customer=make_customer(name="<b>{case_no}</b>"))
    case = get_case(make_case(order_no="T9003").id)
    assert service.render_for(template, case) == "<b>{case_no}</b> · {order_no} · T9003"


def _client(app, login, role="agent", name=None):
    g.pop("_login_user", None)
    user = make_user(name, role=role)
    client = app.test_client()
    login(client, user.username)
    return client, user


def test_the_case_templates_json_fills_the_variables_the_ui_language_first(app, login):
    actor = _supervisor()
    for language, title, body in (("zh_CN", "物流", "您好 {buyer_name}，运单号 {tracking_no}"),
                                  ("en", "Tracking", "Hello {buyer_name}, tracking {tracking_no}")):
        service.create_template(_values(language=language, title=title, body=body), actor, NOW)
    service.create_template(_values(key="greeting", category="", title="问候", body="您好，我是{agent_name}"), actor, NOW)
    service.create_template(_values(key="refund", category="payment", title="退款", body="退款 {refund_amount}"), actor, NOW)
    gone = service.create_template(_values(key="old", title="旧的", body="旧"), actor, NOW)
    service.deactivate_template(gone.id, actor, NOW)
    order = make_order("T9004", customer=make_customer(name="<script>alert(1)</script>"))
    _ship(order)
    db.session.commit()
    case = make_case(order_no="T9004")
    client, _agent = _client(app, login, name="amy")

    zh = client.get(f"/cases/{case.id}/templates", headers={"Accept-Language": "zh-CN"})
    assert zh.status_code == 200 and zh.mimetype == "application/json"
    assert [row["title"] for row in zh.json] == ["物流", "问候", "退款", "Tracking"]
    assert zh.json[0] == {"id": zh.json[0]["id"], "title": "物流", "category": "tracking", "language": "zh_CN",
                          "text": "您好 <script>alert(1)</script>，运单号 SF1234567890123"}
    assert zh.json[1]["text"] == "您好，我是amy" and zh.json[1]["category"] is None
    en = client.get(f"/cases/{case.id}/templates", headers={"Accept-Language": "en"}).json
    assert [row["title"] for row in en] == ["Tracking", "物流", "问候", "退款"]
    assert [row["title"] for row in client.get(f"/cases/{case.id}/templates?q=运单").json] == ["物流"]
    assert [row["title"] for row in client.get(f"/cases/{case.id}/templates?category=payment").json] == ["问候", "退款"]
    assert [row["title"] for row in client.get(f"/cases/{case.id}/templates?category=any").json] == ["问候"]


def test_the_case_templates_json_refuses_a_case_the_user_may_not_see(app, login):
    service.create_template(_values(), _supervisor(), NOW)
    case = make_case()  # in the agents' inbox
    shipping, _user = _client(app, login, role="shipping")
    refused = shipping.get(f"/cases/{case.id}/templates")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    operator, _user = _client(app, login, role="operator")
    assert operator.get(f"/cases/{case.id}/templates").status_code == 403
    agent, _user = _client(app, login, role="agent")
    assert agent.get("/cases/999999/templates").json["error"]["code"] == "not_found"
    g.pop("_login_user", None)  # tests share one app context: forget the last client's user
    anonymous = app.test_client().get(f"/cases/{case.id}/templates")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# ---- the migration's defaults ----

def _migration_defaults():
    spec = importlib.util.spec_from_file_location("reply_templates_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.DEFAULTS


def test_flask_db_upgrade_puts_in_the_default_templates_with_the_polite_phrases(empty_database_url):
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        rows = db.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.id)).all()
        found = [(t.key, t.category, t.language, t.title, t.body, t.active, t.created_by) for t in rows]
        db.session.remove()
        db.engine.dispose()
    assert found == [(*row, True, "system:migration") for row in _migration_defaults()]
    chinese = " ".join(row[4] for row in found if row[2] == "zh_CN")
    assert all(phrase in chinese for phrase in ("您好", "谢谢", "很高兴为您服务", "再见"))


def test_the_migration_s_rows_are_today_s_defaults():
    """The migration keeps its own copy (it must not change with the app); when replies.DEFAULT_TEMPLATES
    changes, existing databases need a data migration, and this test says so."""
    assert _migration_defaults() == tuple((t.key, t.category, t.language, t.title, t.body) for t in DEFAULT_TEMPLATES)


def test_the_refund_amount_of_a_usd_order_is_in_dollars_in_the_templates_language(app):
    actor = _supervisor()
    english = service.create_template(_values(key="refund-en", language="en", title="Refund", body="Refunded {refund_amount}."),
                                      actor, NOW)
    chinese = service.create_template(_values(key="refund-zh", title="退款", body="已退款 {refund_amount}。"), actor, NOW)
    order = make_order("T9010", total="120.00", currency="USD")
    _refund(order, "59.45", "approved")
    db.session.commit()
    case = get_case(make_case(order_no="T9010").id)
    assert service.render_for(english, case) == "Refunded $59.45."
    assert service.render_for(chinese, case) == "已退款 US$59.45。"
