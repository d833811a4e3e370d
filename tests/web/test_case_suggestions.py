"""Suggested replies on SQLite and PostgreSQL (issue 18): the three best templates for a case's latest buyer message,
filled from its order, none with a value missing; the case page's panel and GET /api/v1/cases/<id>/suggestions."""
import html
import itertools
import re
from datetime import date
from decimal import Decimal

import pytest
from flask import g

from shopcs.assistant.drafts import case_drafts, reply_suggestions
from shopcs.cases import services
from shopcs.cases.inputs import Reading
from shopcs.cases.models import Case
from shopcs.cases.queries import get_case
from shopcs.cases.replies.models import ReplyTemplate
from shopcs.cases.replies.rules import DEFAULT_TEMPLATES
from shopcs.extensions import db
from shopcs.orders.models import Refund, Shipment
from shopcs.timeutil import utcnow

from ..builders import NOW, make_customer, make_order, make_token, make_user
from ..case_builders import PLATFORM
from ..case_page_builders import ENGLISH, client_as, recent_case, round_the_clock

TRACKING_QUESTION = "亲 我的快递到哪了？三天没更新了"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
EXTRA_TEMPLATES = (  # more tracking answers, a refund, a claim and a general one
    ("tracking-late", "tracking", "zh_CN", "物流延误致歉",
     "{buyer_name}您好，快递三天没更新很抱歉，{carrier} 运单 {tracking_no} 我们已催促。"),
    ("tracking-where", "tracking", "zh_CN", "快递到哪了", "您好，您的快递由 {carrier} 承运，运单号 {tracking_no}，{ship_date} 已发出。"),
    ("tracking-late", "tracking", "en", "Delay apology", "Sorry {buyer_name}, {carrier} parcel {tracking_no} is late; we chased it."),
    ("refund-made", "payment", "en", "Refund made", "Hello {buyer_name}, your refund of {refund_amount} is on its way."),
    ("claim-photos", "claim", "zh_CN", "请补充照片", "您好，请补充订单 {order_no} 商品的照片。"),
    ("thanks", None, "zh_CN", "感谢", "谢谢您的耐心等待！"),
)


@pytest.fixture
def app(app):
    round_the_clock()
    _templates()
    return app


@pytest.fixture
def sqlite_app(sqlite_app):
    round_the_clock()
    _templates()
    return sqlite_app


def _templates():
    rows = [(t.key, t.category, t.language, t.title, t.body) for t in DEFAULT_TEMPLATES] + list(EXTRA_TEMPLATES)
    for key, category, language, title, body in rows:
        db.session.add(ReplyTemplate(key=key, category=category, language=language, title=title, body=body, active=True,
                                     created_at=NOW, created_by="user:sue", updated_at=NOW, updated_by="user:sue"))
    db.session.commit()


def tracking_of(order_no: str) -> str:
    """A tracking number of its own for each order (the carrier and number are unique together)."""
    return "SF" + "".join(char for char in order_no if char.isdigit()).rjust(13, "0")


def _ship(order, shipped_on=date(2026, 3, 3)):
    db.session.add(Shipment(order_id=order.id, carrier="SF", tracking_no=tracking_of(order.order_no),
                            shipped_on=shipped_on, created_by="user:sam", created_at=NOW))


def _refund(order, amount="35.00", status="completed"):
    db.session.add(Refund(order_id=order.id, amount=Decimal(amount), reason="size", status=status,
                          requested_by="user:amy", requested_at=NOW))


def _order(order_no, shipped=True, refund=None, name="王芳"):
    order = make_order(order_no, customer=make_customer(external_id=f"c-{order_no}", name=name))
    if shipped:
        _ship(order)
    if refund:
        _refund(order, status=refund)
    db.session.commit()
    return order


def _case(order_no=None, body=TRACKING_QUESTION, category="tracking", **values) -> Case:
    return get_case(recent_case(order_no=order_no, body=body, category=category, **values).id)


def _category_of(key: str, language: str = "zh_CN") -> str | None:
    return db.session.scalar(db.select(ReplyTemplate.category).where(ReplyTemplate.key == key,
                                                                     ReplyTemplate.language == language))


# --- the suggestions ---------------------------------------------------------------------------------------------

def test_a_tracking_question_gets_three_tracking_answers_filled_from_its_order(app):
    _order("T7001")
    drafts = case_drafts(_case("T7001"), make_user("amy"), "zh_CN")
    assert drafts.category == "tracking" and 0.5 < drafts.confidence <= 1
    assert len(drafts.replies) == 3
    assert {_category_of(row["template"]) for row in drafts.replies} == {"tracking"}
    # the most character pairs shared with the message first: 快递到哪了 (title), then 三天没更新, then the default
    assert [row["template"] for row in drafts.replies] == ["tracking-where", "tracking-late", "tracking"]
    for row in drafts.replies:
        assert tracking_of("T7001") in row["text"] and "顺丰速运" in row["text"] and not PLACEHOLDER.search(row["text"])
    default = next(row for row in drafts.replies if row["template"] == "tracking")
    assert default["title"] == "物流查询答复"
    assert "王芳" in default["text"] and "T7001" in default["text"] and "2026-03-03" in default["text"]


def test_an_order_not_yet_shipped_never_gets_the_tracking_number_template(app):
    _order("T7002", shipped=False)
    keys = [row["template"] for row in reply_suggestions(_case("T7002"), make_user("amy"), "zh_CN", limit=50)]
    assert keys and not {"tracking", "tracking-late", "tracking-where"} & set(keys)
    assert set(keys) <= {"greeting", "closing", "thanks"}  # the general ones fill in


def test_the_latest_buyer_message_decides_the_category(app):
    _order("T7003", refund="completed")
    case = _case("T7003")
    services.add_customer_message(case.id, "退款什么时候到账", PLATFORM, utcnow())
    drafts = case_drafts(get_case(case.id), None, "zh_CN")
    assert drafts.category == "payment"
    assert drafts.replies[0]["template"] == "refund" and "¥35.00" in drafts.replies[0]["text"]
    # the case's own category comes after it, before the general ones
    assert [_category_of(row["template"]) for row in drafts.replies] == ["payment", "tracking", "tracking"]


def test_a_refund_only_requested_is_never_said_to_be_made(app):
    _order("T7005", refund="requested")
    case = _case("T7005")
    services.add_customer_message(case.id, "退款什么时候到账", PLATFORM, utcnow())
    keys = [row["template"] for row in reply_suggestions(get_case(case.id), None, "zh_CN", limit=50)]
    assert keys and "refund" not in keys  # "退款 … 已经办理" waits until the refund is approved


def test_the_reading_kept_with_the_message_is_the_one_shown(app):
    """What the timeline shows the message was read as is what the panel says, even after a new model version."""
    _order("T7004", refund="completed")
    case = _case("T7004")
    services.add_customer_message(case.id, "快递到哪了", PLATFORM, utcnow(), reading=Reading("payment", 0.42))
    drafts = case_drafts(get_case(case.id), None, "zh_CN")
    assert (drafts.category, drafts.confidence) == ("payment", 0.42)
    assert drafts.replies[0]["template"] == "refund"


def test_an_english_message_gets_english_templates_whatever_the_ui_language(app):
    _order("T7004")
    rows = reply_suggestions(_case("T7004", body="Where is my parcel? It has not moved for three days"), None, "zh_CN")
    assert [row["template"] for row in rows[:2]] == ["tracking-late", "tracking"]  # "three days" and "days" shared
    assert rows[2]["template"] in ("greeting", "closing")  # then a general one
    assert "SF Express" in rows[0]["text"] and "Sorry 王芳" in rows[0]["text"]
    unknown = reply_suggestions(_case("T7004", body="👍👍 123"), None, "en")  # the message does not tell: the UI's
    assert unknown and all(re.fullmatch(r"[ -~\n王芳¥]*", row["text"]) for row in unknown)


CASE_SHAPES = ("no order", "not shipped", "shipped", "shipped and refunded", "refund rejected", "refund requested",
               "recipient only")


def _case_of_shape(shape: str, n: int) -> Case:
    if shape == "no order":
        return _case(customer={"external_id": f"b{n}", "name": "", "phone": "", "email": ""})
    order_no = f"P{n:05d}"
    refund = {"shipped and refunded": "completed", "refund rejected": "rejected", "refund requested": "requested"}
    _order(order_no, shipped=shape != "not shipped", refund=refund.get(shape), name="" if shape == "recipient only" else "王芳")
    return _case(order_no)


@pytest.mark.parametrize("message", [TRACKING_QUESTION, "退款什么时候到账", "When will my refund arrive?",
                                     "东西收到了，质量太差，我要投诉", "在吗"])
def test_no_suggestion_ever_shows_a_placeholder_and_every_template_that_fills_is_offered(app, message):
    """Every template × cases with and without order, shipment and refund, with and without an agent's name."""
    agent = make_user("amy")
    templates = list(db.session.scalars(db.select(ReplyTemplate)))
    for n, (shape, who) in enumerate(itertools.product(CASE_SHAPES, (None, agent, PLATFORM))):
        case = _case_of_shape(shape, n)
        services.add_customer_message(case.id, message, PLATFORM, utcnow())
        g.pop("_login_user", None)
        case = get_case(case.id)
        drafts = case_drafts(case, who, "zh_CN", limit=len(templates))
        for row in drafts.replies:
            assert not PLACEHOLDER.search(row["text"]), (shape, row)
        language = "en" if message.isascii() else "zh_CN"
        wanted = {drafts.category, case.category, None}
        fitting = {t.key for t in templates if t.language == language and t.category in wanted
                   and not PLACEHOLDER.search(_filled(t, case, who))}
        assert {row["template"] for row in drafts.replies} == fitting, (shape, who)


def _filled(template, case, agent) -> str:
    """The template with the case's values, each empty value left as its {name}: what must never be shown."""
    from shopcs.cases.replies.templates import values_for
    values = {name: value or "{" + name + "}" for name, value in values_for(case, agent, template.language).items()}
    return PLACEHOLDER.sub(lambda m: values.get(m[0][1:-1], m[0]), template.body)


# --- the API -----------------------------------------------------------------------------------------------------

def test_the_api_answers_the_category_its_confidence_and_three_filled_replies(app):
    _order("T7005")
    case = _case("T7005")
    token = make_token("chat-bot")
    answer = app.test_client().get(f"/api/v1/cases/{case.id}/suggestions", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == {"category", "confidence", "replies"}
    assert body["category"] == "tracking" and 0 < body["confidence"] <= 1
    assert len(body["replies"]) == 3 and all(set(row) == {"template", "text"} for row in body["replies"])
    assert all(tracking_of("T7005") in row["text"] and "{" not in row["text"] for row in body["replies"])


def test_the_api_needs_a_token_and_knows_its_cases(app):
    client = app.test_client()
    case = _case()
    assert client.get(f"/api/v1/cases/{case.id}/suggestions").status_code == 401
    headers = {"Authorization": f"Bearer {make_token('chat-bot')}"}
    for missing in (case.id + 1000, 0, 2**40):
        answer = client.get(f"/api/v1/cases/{missing}/suggestions", headers=headers)
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_the_api_route_is_described(sqlite_app):
    document = sqlite_app.test_client().get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/cases/{case_id}/suggestions"]["get"]
    assert operation["tags"] == ["Assistant"] and "200" in operation["responses"] and "404" in operation["responses"]
    assert "/api/v1/assistant/classify" in document["paths"]


# --- the case page -----------------------------------------------------------------------------------------------

def _page(client, case_id, headers=None) -> str:
    g.pop("_login_user", None)
    response = client.get(f"/cases/{case_id}", headers=headers or {})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _suggestion_texts(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'data-test="suggestion"\s+data-template="[^"]*" data-text="([^"]*)"', page)]


def test_the_case_page_shows_the_panel_with_the_category_label_and_three_suggestions(app, login):
    _order("T7006")
    case = _case("T7006")
    client, _amy = client_as(app, login, "agent", "amy")
    chinese = _page(client, case.id)
    label = re.search(r'data-test="suggested-category" data-category="tracking">([^<]*)<', chinese).group(1)
    assert re.fullmatch(r"查货 · \d{1,3}%", label)
    assert "建议回复" in chinese or "Suggested replies" in chinese  # translated by the lead at the end
    texts = _suggestion_texts(chinese)
    assert len(texts) == 3 and all(tracking_of("T7006") in text for text in texts)
    assert texts == [row["text"] for row in reply_suggestions(get_case(case.id), None, "zh_CN")]
    for key in ("Alt+1", "Alt+2", "Alt+3"):
        assert f'aria-keyshortcuts="{key}"' in chinese
    assert "suggestions.js" in chinese
    english = _page(client, case.id, ENGLISH)
    assert re.search(r'data-category="tracking">Tracking \(查货\) · \d{1,3}%<', english)
    assert "Suggested replies" in english and 'data-test="assistant-answered"' not in english


def test_the_page_says_when_the_assistant_answered_the_buyer_itself(app, login):
    case = _case()
    db.session.get(Case, case.id).assistant_answered_at = NOW
    db.session.commit()
    client, _amy = client_as(app, login, "agent", "amy")
    page = _page(client, case.id, ENGLISH)
    assert 'data-test="assistant-answered"' in page and "Answered by the assistant" in page
    assert "2026-03-04 10:00" in page.split('data-test="assistant-answered"')[1][:400]  # in the shop's time


def test_a_case_no_template_fits_says_so_quietly(app, login):
    db.session.execute(db.delete(ReplyTemplate).where(ReplyTemplate.category.is_(None)))
    db.session.commit()
    case = _case(body="东西收到了，质量太差，我要投诉", category="complaint",
                 customer={"external_id": "nobody", "name": "", "phone": "", "email": ""})
    client, _amy = client_as(app, login, "agent", "amy")
    page = _page(client, case.id, ENGLISH)
    assert 'data-test="suggestions-empty"' in page and "No suggested reply fits this case." in page
    assert 'data-test="suggestion"' not in page


def test_a_resolved_case_shows_no_suggestions(app, login):
    case = _case()
    services.change_status(case.id, "resolved", PLATFORM, utcnow())
    client, _amy = client_as(app, login, "agent", "amy")
    page = _page(client, case.id, ENGLISH)
    assert 'data-test="suggestions"' not in page and "suggestions.js" not in page


def test_suggested_texts_are_escaped_on_the_page(app, login):
    _order("T7007", name='<img src=x onerror=alert(1)>"')
    case = _case("T7007")
    client, _amy = client_as(app, login, "agent", "amy")
    page = _page(client, case.id)
    assert "<img src=x" not in page and any('<img src=x onerror=alert(1)>"' in text for text in _suggestion_texts(page))
