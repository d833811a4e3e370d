"""The follow-up pages: the agents' list, settings with preview, promotions, the customer page, the order panel, opt-out."""
import html
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import g
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.followup.models import BuyerConcern, Promotion
from shopcs.followup.settings import load_settings
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.notify.unsubscribe import unsubscribe_token
from shopcs.orders.models import Customer
from shopcs.timeutil import utcnow

from ..builders import make_customer, make_order, make_token, make_user
from ..conftest import csrf_token_from


def _client(app, login, role):
    g.pop("_login_user", None)
    user = make_user(role=role)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English messages
    login(client, user.username)
    return client


def _flashes(client):
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def _reminder(order, *, status="pending", channel="manual", minutes=-5, key=None, **fields):
    message = enqueue(kind="unpaid_reminder", dedupe_key=key or f"unpaid_reminder:{order.id}:1",
                      body=f"您好，订单 {order.order_no} 还没有付款，请问有什么不清楚的吗？", now=utcnow() - timedelta(hours=1),
                      scheduled_for=utcnow() + timedelta(minutes=minutes), customer_id=order.customer_id,
                      order_id=order.id, channel=channel)
    for name, value in {"status": status, **fields}.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def _reload(message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def _settings_form(page_html: str, **changes) -> dict:
    """The settings form's current values, as a browser would post them, with some changed."""
    settings = load_settings()
    data = {name: getattr(settings, name) for name in ("first_reminder_minutes", "second_reminder_hours", "max_reminders",
                                                         "auto_close_hours", "repeat_window_days", "greeting_gap_days",
                                                         "locale", "shop_name", "shop_name_en")}
    data.update({name: getattr(settings, name).strftime("%H:%M") for name in ("quiet_start", "quiet_end", "greeting_send_time")})
    for (kind, locale), text in settings.templates.items():
        data[f"template_{kind}_{locale}"] = text
    assert 'name="template_unpaid_reminder_zh"' in page_html
    data.update(changes)
    return data


def test_an_agent_sees_a_due_manual_reminder_with_its_text_copies_and_marks_it_sent(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1), customer=make_customer(name="李四"))
    message = _reminder(order)
    agent = _client(sqlite_app, login, "agent")
    page = agent.get("/followup").get_data(as_text=True)
    assert f'data-message-id="{message.id}"' in page and html.escape(message.body) in page
    assert f'data-copy="{html.escape(message.body)}"' in page and order.order_no in page and "李四" in page
    assert "138****5678" in page and "13812345678" not in page
    response = agent.post(f"/followup/messages/{message.id}/sent", data={"next": "/followup"})
    assert response.status_code == 302 and response.headers["Location"] == "/followup"
    assert _reload(message).status == "sent" and _reload(message).sent_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.manual_sent"))
    assert entry.actor.startswith("user:") and entry.order_id == order.id
    assert "data-test=\"followup-empty\"" in agent.get("/followup").get_data(as_text=True)
    assert html.escape(message.body) in agent.get("/followup?tab=sent").get_data(as_text=True)


def test_marking_a_message_sent_twice_is_refused_with_a_message(sqlite_app, login):
    message = _reminder(make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1)), status="sent", sent_at=utcnow())
    agent = _client(sqlite_app, login, "agent")
    assert agent.post(f"/followup/messages/{message.id}/sent").status_code == 302
    assert any("Nothing was changed" in text for text in _flashes(agent))
    assert agent.post("/followup/messages/999999/sent").status_code == 404


def test_the_tabs_list_due_soon_and_failed_messages_and_a_dead_one_can_be_retried(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1))
    soon = _reminder(order, minutes=30, channel="webhook", key="soon")
    later = _reminder(order, minutes=120, channel="webhook", key="later")
    dead = _reminder(order, channel="webhook", key="dead", status="dead", attempts=6, last_error="HTTP 500: boom")
    agent = _client(sqlite_app, login, "agent")
    due_page = agent.get("/followup?tab=due").get_data(as_text=True)
    assert f'data-message-id="{soon.id}"' in due_page and f'data-message-id="{later.id}"' not in due_page
    failed_page = agent.get("/followup?tab=failed").get_data(as_text=True)
    assert f'data-message-id="{dead.id}"' in failed_page and "HTTP 500: boom" in failed_page and "retry-message" in failed_page
    assert agent.post(f"/followup/messages/{dead.id}/retry").status_code == 302
    assert (_reload(dead).status, _reload(dead).attempts) == ("pending", 0)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outbox.retry")) is not None


def test_the_follow_up_list_is_paginated(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1))
    for number in range(27):
        _reminder(order, key=f"many:{number}", minutes=-number - 1)
    agent = _client(sqlite_app, login, "agent")
    first, second = agent.get("/followup").get_data(as_text=True), agent.get("/followup?page=2").get_data(as_text=True)
    assert first.count('data-test="followup-row"') == 25 and second.count('data-test="followup-row"') == 2
    assert 'data-test="pager-next"' in first


@pytest.mark.parametrize("role", ["shipping", "operator"])
def test_roles_without_follow_up_duties_are_refused_the_page_and_its_buttons(sqlite_app, login, role):
    message = _reminder(make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1)))
    client = _client(sqlite_app, login, role)
    assert client.get("/followup").status_code == 403
    assert client.post(f"/followup/messages/{message.id}/sent").status_code == 403
    assert client.post(f"/followup/messages/{message.id}/retry").status_code == 403
    assert _reload(message).status == "pending"


def test_only_supervisors_and_admins_open_the_settings(sqlite_app, login):
    assert _client(sqlite_app, login, "agent").get("/followup/settings").status_code == 403
    assert _client(sqlite_app, login, "agent").get("/followup/settings/preview?text=x").status_code == 403
    assert _client(sqlite_app, login, "agent").post("/followup/promotions", data={}).status_code == 403
    assert _client(sqlite_app, login, "supervisor").get("/followup/settings").status_code == 200
    assert _client(sqlite_app, login, "admin").get("/followup/settings").status_code == 200


def test_a_supervisor_changes_the_quiet_hours_and_the_change_is_audited(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    response = supervisor.post("/followup/settings", data=_settings_form(page, quiet_start="21:30", quiet_end="07:45"))
    assert response.status_code == 302, response.get_data(as_text=True)
    settings = load_settings()
    assert (settings.quiet_start.strftime("%H:%M"), settings.quiet_end.strftime("%H:%M")) == ("21:30", "07:45")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "followup.settings"))
    assert entry.after == {"quiet_start": "21:30", "quiet_end": "07:45"}


def test_a_supervisor_sets_a_campaign_window_and_a_half_given_one_is_refused(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    assert 'name="campaign_start"' in page and 'type="datetime-local"' in page
    half = supervisor.post("/followup/settings", data=_settings_form(page, campaign_start="2026-11-11T00:00"))
    assert half.status_code == 422 and 'data-test="error-campaign_end"' in half.get_data(as_text=True)
    assert load_settings().campaign_start is None
    saved = supervisor.post("/followup/settings", data=_settings_form(page, campaign_start="2026-11-11T00:00",
                                                                       campaign_end="2026-11-11T02:00"))
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert 'value="2026-11-11T02:00"' in supervisor.get("/followup/settings").get_data(as_text=True)


def test_a_template_with_an_unknown_variable_is_refused_and_nothing_is_saved(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    data = _settings_form(page, quiet_start="21:00", template_unpaid_reminder_en="Hi {buyer_name}, pay by {deadline}!")
    response = supervisor.post("/followup/settings", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-test="error-template_unpaid_reminder_en"' in body and "{deadline}" in body
    assert load_settings().quiet_start.strftime("%H:%M") == "22:00"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "followup.settings")) is None


def test_the_preview_fills_the_template_with_sample_values_and_reports_unknown_variables(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    good = supervisor.get("/followup/settings/preview", query_string={"text": "您好{buyer_name}，合计 {total}"})
    assert good.status_code == 200 and good.json == {"preview": "您好张三，合计 ¥128.00", "problems": [], "ok": True}
    bad = supervisor.get("/followup/settings/preview", query_string={"text": "pay by {deadline}"}).json
    assert bad["ok"] is False and bad["preview"] == "pay by {deadline}"
    assert any("{deadline}" in problem for problem in bad["problems"])


def test_a_supervisor_sets_the_english_shop_name_and_each_preview_speaks_its_templates_language(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    assert 'data-test="shop-name-en"' in page and "/followup/settings/preview/en/unpaid_reminder" in page
    data = _settings_form(page, shop_name="暖冬小铺", shop_name_en="Warm Winter Shop")
    assert supervisor.post("/followup/settings", data=data).status_code == 302
    assert (load_settings().shop_name, load_settings().shop_name_en) == ("暖冬小铺", "Warm Winter Shop")
    text = {"text": "{shop_name}: {occasion}, {buyer_name}"}
    assert supervisor.get("/followup/settings/preview/en", query_string=text).json["preview"] == (
        "Warm Winter Shop: Happy Mid-Autumn Festival, Alex")
    assert supervisor.get("/followup/settings/preview/zh", query_string=text).json["preview"] == "暖冬小铺: 中秋快乐, 张三"
    assert supervisor.get("/followup/settings/preview/fr", query_string=text).status_code == 404


def test_an_english_shop_name_longer_than_100_characters_is_refused(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    response = supervisor.post("/followup/settings", data=_settings_form(page, shop_name_en="x" * 101))
    assert response.status_code == 422 and 'data-test="error-shop_name_en"' in response.get_data(as_text=True)
    assert load_settings().shop_name_en == ""


def test_a_supervisor_adds_and_deletes_a_promotion(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    next_year = date.today().year + 1
    response = supervisor.post("/followup/promotions", data={"name": "双十一", "day": f"{next_year}-11-11", "send_time": "10:00",
                                                             "days_before": "3"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/followup/settings#promotions")
    promotion = db.session.scalar(select(Promotion))
    assert (promotion.name, promotion.days_before) == ("双十一", 3)
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    assert "双十一" in page and 'data-confirm="' in page
    assert supervisor.post(f"/followup/promotions/{promotion.id}/delete").status_code == 302
    assert db.session.scalar(select(Promotion)) is None


def test_a_promotion_in_the_quiet_hours_is_refused_with_the_reason(sqlite_app, login):
    supervisor = _client(sqlite_app, login, "supervisor")
    supervisor.post("/followup/promotions", data={"name": "618", "day": f"{date.today().year + 1}-06-18", "send_time": "23:00",
                                                  "days_before": "0"})
    assert db.session.scalar(select(Promotion)) is None
    assert any("quiet hours" in text for text in _flashes(supervisor))


def test_the_customer_page_shows_orders_messages_and_toggles_the_opt_out_with_an_audit_entry(sqlite_app, login):
    customer = make_customer("buyer-42", name="王五")
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1), customer=customer)
    message = _reminder(order)
    agent = _client(sqlite_app, login, "agent")
    page = agent.get("/customers/buyer-42").get_data(as_text=True)
    assert "王五" in page and order.order_no in page and html.escape(message.body) in page
    assert 'data-opted-out="no"' in page
    assert agent.post("/customers/buyer-42/opt-out", data={"opted_out": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).opted_out is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "customer.opt_out"))
    assert entry.after == {"customer": "buyer-42", "opted_out": True}
    assert 'data-opted-out="yes"' in agent.get("/customers/buyer-42").get_data(as_text=True)
    agent.post("/customers/buyer-42/opt-out", data={"opted_out": "0"})
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).opted_out is False
    assert agent.get("/customers/nobody").status_code == 404


def test_a_shipping_clerk_may_not_see_a_customer_page_nor_toggle_the_opt_out(sqlite_app, login):
    make_customer("buyer-7")
    clerk = _client(sqlite_app, login, "shipping")
    assert clerk.get("/customers/buyer-7").status_code == 403
    assert clerk.post("/customers/buyer-7/opt-out", data={"opted_out": "1"}).status_code == 403
    operator = _client(sqlite_app, login, "operator")
    assert operator.get("/customers/buyer-7").status_code == 200
    assert operator.post("/customers/buyer-7/opt-out", data={"opted_out": "1"}).status_code == 403


def test_the_order_page_records_a_concern_and_lists_the_order_reminders(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1))
    _reminder(order, status="sent", sent_at=utcnow())
    agent = _client(sqlite_app, login, "agent")
    page = agent.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert 'data-test="followup-panel"' in page and 'data-test="reminder-row"' in page and 'data-test="concerns-empty"' in page
    response = agent.post(f"/orders/{order.order_no}/concerns", data={"category": "payment_method", "text": "没有支付宝"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#followup")
    concern = db.session.scalar(select(BuyerConcern))
    assert (concern.category, concern.text, concern.order_id) == ("payment_method", "没有支付宝", order.id)
    page = agent.get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert 'data-category="payment_method"' in page and "没有支付宝" in page


def test_an_unknown_concern_category_is_refused(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(hours=1))
    agent = _client(sqlite_app, login, "agent")
    agent.post(f"/orders/{order.order_no}/concerns", data={"category": "weather", "text": ""})
    assert db.session.scalar(select(BuyerConcern)) is None
    assert any("not saved" in text for text in _flashes(agent))


def test_an_agent_sends_reminders_by_hand_until_the_cap_and_is_then_told_why_not(sqlite_app, login):
    order = make_order(status="unpaid", placed_at=utcnow() - timedelta(minutes=10))
    agent = _client(sqlite_app, login, "agent")
    assert 'data-test="send-reminder"' in agent.get(f"/orders/{order.order_no}").get_data(as_text=True)
    for _ in range(2):
        assert agent.post(f"/orders/{order.order_no}/reminders").status_code == 302
        assert any("Reminder queued" in text for text in _flashes(agent))
    agent.post(f"/orders/{order.order_no}/reminders")
    flashes = _flashes(agent)
    assert any("No reminder was sent" in text and "2 reminders" in text for text in flashes), flashes
    kinds = db.session.scalars(select(OutboxMessage.kind).where(OutboxMessage.order_id == order.id)).all()
    assert kinds == ["unpaid_reminder", "unpaid_reminder"]


def test_a_paid_order_offers_no_reminder_button_and_an_operator_cannot_send_one(sqlite_app, login):
    order = make_order(status="paid")
    agent = _client(sqlite_app, login, "agent")
    assert 'data-test="send-reminder"' not in agent.get(f"/orders/{order.order_no}").get_data(as_text=True)
    operator = _client(sqlite_app, login, "operator")
    assert operator.post(f"/orders/{order.order_no}/reminders").status_code == 403
    assert operator.post(f"/orders/{order.order_no}/concerns", data={"category": "price"}).status_code == 403


def test_the_opt_out_api_sets_the_flag_and_answers_with_the_customer(app):
    customer = make_customer("buyer-api")
    headers = {"Authorization": f"Bearer {make_token()}"}
    client = app.test_client()
    response = client.post("/api/v1/customers/buyer-api/opt-out", headers=headers)
    assert response.status_code == 200 and response.json == {"customer": "buyer-api", "opted_out": True}
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).opted_out is True
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "customer.opt_out")).startswith("token:")
    again = client.post("/api/v1/customers/buyer-api/opt-out", headers=headers)
    assert again.status_code == 200 and again.json["opted_out"] is True
    missing = client.post("/api/v1/customers/nobody/opt-out", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    assert client.post("/api/v1/customers/buyer-api/opt-out").status_code == 401


def test_the_unsubscribe_link_asks_first_then_opts_the_customer_out_without_a_login(csrf_app):
    customer = make_customer("buyer-mail")
    client = csrf_app.test_client()
    url = "/unsubscribe/" + unsubscribe_token("buyer-mail", csrf_app.config["SECRET_KEY"])
    page = client.get(url)
    assert page.status_code == 200 and 'data-test="unsubscribe-form"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).opted_out is False  # a mail scanner opening the link changes nothing
    assert client.post(url, data={}).status_code == 400  # CSRF
    done = client.post(url, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert done.status_code == 200 and 'data-test="unsubscribed"' in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).opted_out is True
    assert db.session.scalar(select(AuditEntry.actor).where(AuditEntry.action == "customer.opt_out")) == "system:unsubscribe-link"


def test_a_tampered_or_unknown_unsubscribe_link_is_a_404(csrf_app):
    make_customer("buyer-mail")
    client = csrf_app.test_client()
    token = unsubscribe_token("buyer-mail", csrf_app.config["SECRET_KEY"])
    assert client.get("/unsubscribe/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB")).status_code == 404
    assert client.get("/unsubscribe/not-a-token").status_code == 404
    assert client.get("/unsubscribe/" + unsubscribe_token("nobody", csrf_app.config["SECRET_KEY"])).status_code == 404
    assert client.post("/unsubscribe/not-a-token", data={}).status_code in (400, 404)
    db.session.expire_all()
    assert db.session.scalar(select(Customer.opted_out).where(Customer.external_id == "buyer-mail")) is False


def test_an_unpaid_orders_page_says_when_it_closes_in_the_shops_zone_in_both_languages(sqlite_app, login):
    placed = datetime(2026, 3, 4, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
    unpaid, paid = make_order(status="unpaid", placed_at=placed), make_order(status="paid", placed_at=placed)
    agent = _client(sqlite_app, login, "agent")

    english = agent.get(f"/orders/{unpaid.order_no}").get_data(as_text=True)
    chinese = agent.get(f"/orders/{unpaid.order_no}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert 'data-test="order-closes-at"' in english and "ShopCS closes this order at 2026-03-07 09:00" in english
    assert "若到 2026-03-07 09:00 仍未付款，系统将关闭此订单" in chinese
    assert 'data-test="order-closes-at"' not in agent.get(f"/orders/{paid.order_no}").get_data(as_text=True)


def test_an_order_closed_here_says_so_and_that_a_later_payment_is_still_taken(sqlite_app, login):
    order = make_order(status="closed", placed_at=datetime(2026, 3, 4, 1, 0, tzinfo=timezone.utc),
                       closed_here_at=datetime(2026, 3, 7, 1, 0, tzinfo=timezone.utc))
    page = _client(sqlite_app, login, "agent").get(f"/orders/{order.order_no}").get_data(as_text=True)
    assert 'data-test="order-closed-here"' in page and "ShopCS closed this order at 2026-03-07 09:00" in page
    assert 'data-test="order-closes-at"' not in page
