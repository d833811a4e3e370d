"""Who wrote, on the case page of a conversation: a widget visitor and a mail sender are named for people, never by
ShopCS's own ids ("widget:…", "email:…")."""
from shopcs.actor import Actor
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.timeutil import utcnow

from ..case_page_builders import ENGLISH, client_as

ZONE = "Asia/Shanghai"


def _case(customer: dict, channel: str = "chat") -> int:
    message = IncomingMessage(channel, f"m-{customer['external_id']}", "在吗？", customer=customer)
    return receive_message(message, Actor.system("widget"), utcnow(), ZONE, outbox_channel="manual").case_id


def _customer_cell(client, case_id) -> str:
    html = client.get(f"/cases/{case_id}", headers=ENGLISH).get_data(as_text=True)
    return html.split('data-test="case-customer">', 1)[1].split("</dd>", 1)[0]


def test_a_widget_visitor_and_a_mail_sender_are_named_for_people(sqlite_app, login):
    agent, _user = client_as(sqlite_app, login, "agent")
    visitor = _customer_cell(agent, _case({"external_id": "widget:57b21461dcfd8a13"}))
    assert "Storefront chat visitor" in visitor and "widget:" not in visitor
    mail = _customer_cell(agent, _case({"external_id": "email:li.lei@example.com", "name": "李雷",
                                        "email": "li.lei@example.com"}, channel="email"))
    assert "李雷" in mail and "li.lei@example.com" in mail and "email:" not in mail
    platform = _customer_cell(agent, _case({"external_id": "tb-buyer-9", "name": "王五"}))
    assert "王五" in platform and "tb-buyer-9" in platform  # a platform's own buyer id is worth showing
