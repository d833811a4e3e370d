"""The email channel against a real local SMTP server (aiosmtpd), including refusals and a server that is down."""
import pytest

from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.notify.unsubscribe import customer_from_token, unsubscribe_token

from ..builders import NOW, make_customer, make_order
from ..receivers import SmtpSink, free_port


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def app_config(smtp):
    return {"SHOPCS_SMTP_HOST": "127.0.0.1", "SHOPCS_SMTP_PORT": smtp.port, "SHOPCS_SMTP_FROM": "好店 <shop@example.com>",
            "SHOPCS_PUBLIC_URL": "https://cs.example.com"}


def queue(kind="holiday_greeting", email="li@example.com", body="端午安康！感谢您一直以来的支持。") -> OutboxMessage:
    customer = make_customer(external_id=f"buyer-{kind}", email=email)
    order = make_order(customer=customer) if kind == "shipping_notice" else None
    message = enqueue(kind=kind, dedupe_key=f"{kind}:{customer.id}", body=body, now=NOW, customer_id=customer.id,
                      order_id=order.id if order else None, channel="email")
    db.session.commit()
    return message


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_a_greeting_is_emailed_in_utf8_with_a_signed_unsubscribe_link(app, smtp):
    message = queue()
    assert drain_outbox(NOW, worker="w1").sent == 1
    assert reload(message).status == "sent"
    [email] = smtp.messages
    assert smtp.envelopes == [("shop@example.com", ["li@example.com"])]
    assert email["To"] == "li@example.com" and email["Subject"] == "节日问候" and "shop@example.com" in email["From"]
    text = email.get_body(("plain",)).get_content()
    assert "端午安康！感谢您一直以来的支持。" in text
    link = "https://cs.example.com/unsubscribe/" + unsubscribe_token("buyer-holiday_greeting", app.config["SECRET_KEY"])
    assert link in text and email["List-Unsubscribe"] == f"<{link}>"
    assert customer_from_token(link.rsplit("/", 1)[1], app.config["SECRET_KEY"]) == "buyer-holiday_greeting"


def test_an_unsubscribe_token_that_was_tampered_with_names_nobody(app):
    token = unsubscribe_token("buyer-1", app.config["SECRET_KEY"])
    assert customer_from_token(token, app.config["SECRET_KEY"]) == "buyer-1"
    assert customer_from_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), app.config["SECRET_KEY"]) is None
    assert customer_from_token("not-a-token", app.config["SECRET_KEY"]) is None


def test_a_shipping_notice_email_carries_no_unsubscribe_link(app, smtp):
    queue(kind="shipping_notice", body="您的订单已发出")
    drain_outbox(NOW, worker="w1")
    [email] = smtp.messages
    assert email["Subject"] == "发货通知" and "unsubscribe" not in email.get_body(("plain",)).get_content()


def test_a_customer_without_an_email_address_is_dead_at_once(app, smtp):
    message = queue(email="")
    assert drain_outbox(NOW, worker="w1").dead == 1
    assert reload(message).last_error == "the customer has no email address" and smtp.messages == []


def test_a_recipient_the_server_refuses_for_good_is_dead(app, smtp):
    smtp.refuse_recipients = "550 No such user here"
    message = queue()
    drain_outbox(NOW, worker="w1")
    assert reload(message).status == "dead" and "550" in reload(message).last_error


def test_a_recipient_refused_for_now_is_retried(app, smtp):
    smtp.refuse_recipients = "451 Try again later"
    message = queue()
    drain_outbox(NOW, worker="w1")
    stored = reload(message)
    assert stored.status == "failed" and stored.next_attempt_at > NOW


def test_a_message_the_server_rejects_for_good_is_dead(app, smtp):
    smtp.refuse_data = "554 Message rejected"
    message = queue()
    drain_outbox(NOW, worker="w1")
    assert reload(message).status == "dead" and "554" in reload(message).last_error


def test_an_smtp_server_that_is_down_means_a_retry(app):
    app.config["SHOPCS_SMTP_PORT"] = free_port()  # nobody listens there
    message = queue()
    assert drain_outbox(NOW, worker="w1").failed == 1
    stored = reload(message)
    assert stored.status == "failed" and "ConnectionRefusedError" in stored.last_error
