"""E-mail in and out on SQLite and PostgreSQL, against a real IMAP server (Dovecot) and a real SMTP server (aiosmtpd):
a buyer's mail opens a case, their answer to our reply joins it, a `[#id]` tag counts only from the case's buyer,
machines' mails open nothing, a mail counts once, and a mailbox that refuses us records why and changes nothing."""
import imaplib
from datetime import timedelta
from email.utils import make_msgid

import pytest
from flask import current_app
from flask_babel import gettext
from sqlalchemy import select, update

from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.work import change_status, reply
from shopcs.conversations.cli import MAIL_ACTOR
from shopcs.conversations.imap_fetch import Mailbox
from shopcs.conversations.mailbox import mailbox_key, poll_mailbox
from shopcs.conversations.models import MailboxPosition
from shopcs.extensions import db
from shopcs.followup.jobs import drain_outbox as drain
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer
from shopcs.timeutil import utcnow

from ..builders import make_token
from ..case_builders import PLATFORM, make_case, row_counts
from ..imap_server import PASSWORD, USER, dovecot
from ..receivers import SmtpSink

BUYER = "li.lei@example.com"


@pytest.fixture(scope="module")
def imap():
    with dovecot() as server:
        yield server


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def app_config(imap, smtp):
    return {"SHOPCS_IMAP_URL": imap.url, "SHOPCS_SMTP_HOST": "127.0.0.1", "SHOPCS_SMTP_PORT": smtp.port,
            "SHOPCS_SMTP_FROM": "好店客服 <service@shop.example.com>"}


@pytest.fixture
def inbox(app, imap):
    """The mailbox, emptied: each test (and each database) starts with no mail and no position."""
    with imaplib.IMAP4("127.0.0.1", imap.port) as client:
        client.login(USER, PASSWORD)
        client.select("INBOX")
        client.store("1:*", "+FLAGS", "(\\Deleted)") if client.search(None, "ALL")[1][0] else None
        client.expunge()
    return imap


def mail(subject="快递到哪了？", body="您好，订单 1001 还没发货吗？", sender=f"李雷 <{BUYER}>", message_id=None, headers=(),
         content_type="text/plain") -> tuple[str, bytes]:
    message_id = message_id or make_msgid(domain="example.com")
    lines = [f"From: {sender}", "To: service@shop.example.com", f"Subject: {subject}", f"Message-ID: {message_id}",
             "Date: " + utcnow().strftime("%a, %d %b %Y %H:%M:%S +0000"), *headers, "MIME-Version: 1.0",
             f"Content-Type: {content_type}; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
    return message_id, ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


def poll(url=None, now=None):
    return poll_mailbox(Mailbox.from_url(url or current_app.config["SHOPCS_IMAP_URL"]), MAIL_ACTOR, now or utcnow(),
                        "Asia/Shanghai", outbox_channel="manual")


def events(case_id):
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def cases():
    return list(db.session.scalars(select(Case).order_by(Case.id)))


def position():
    db.session.expire_all()
    return db.session.scalar(select(MailboxPosition))


def test_a_buyers_mail_opens_an_email_case_for_their_address(inbox):
    message_id, raw = mail()
    inbox.deliver(raw)
    report = poll()
    assert (report.fetched, report.opened, report.error) == (1, 1, None)
    [case] = cases()
    assert (case.channel, case.subject, case.status) == ("email", "快递到哪了？", "new")
    customer = db.session.get(Customer, case.customer_id)
    assert (customer.external_id, customer.name, customer.email) == (f"email:{BUYER}", "李雷", BUYER)
    assert [(e.kind, e.body, e.external_id) for e in events(case.id)] == [
        ("customer_message", "您好，订单 1001 还没发货吗？", message_id)]
    assert (position().last_uid > 0, position().last_error, position().mailbox) == (True, None, mailbox_key(
        Mailbox.from_url(inbox.url)))
    assert PASSWORD not in position().mailbox


def test_our_reply_goes_out_threaded_and_the_buyers_answer_to_it_joins_the_case(inbox, smtp):
    first_id, raw = mail(subject="Re: 快递到哪了？")
    inbox.deliver(raw)
    poll()
    [case] = cases()
    event = reply(case.id, "已为您催促仓库，今天发出。", PLATFORM, utcnow(), mail_domain="shop.example.com", outbox_channel="manual")
    queued = db.session.scalar(select(OutboxMessage))
    assert (queued.channel, queued.kind) == ("email", "case_reply")
    assert drain(utcnow(), worker="w1").sent == 1
    [sent] = smtp.messages
    assert smtp.envelopes[0][1] == [BUYER]
    assert sent["Message-ID"] == events(case.id)[-1].external_id == queued.headers["Message-ID"]
    assert sent["Message-ID"].endswith("@shop.example.com>") and str(event.id) in sent["Message-ID"]
    assert (sent["In-Reply-To"], sent["References"]) == (first_id, first_id)
    assert sent["Subject"] == f"Re: 快递到哪了？ [#{case.id}]"
    assert "已为您催促仓库，今天发出。" in sent.get_body(("plain",)).get_content()

    inbox.deliver(sent.as_bytes())  # our own reply, copied into the shop's mailbox: known by its Message-ID
    assert poll().duplicate == 1

    answer_id, raw = mail(subject="收到", body="好的，谢谢！\r\n\r\nOn Mon, service wrote:\r\n> 已为您催促仓库",
                          headers=(f"In-Reply-To: {sent['Message-ID']}", f"References: {first_id} {sent['Message-ID']}"))
    inbox.deliver(raw)
    assert poll().joined == 1
    assert [(e.kind, e.body) for e in events(case.id)][-1] == ("customer_message", "好的，谢谢！")
    assert len(cases()) == 1
    reply(case.id, "不客气。", PLATFORM, utcnow(), mail_domain="shop.example.com", outbox_channel="manual")
    drain(utcnow(), worker="w1")
    second = smtp.messages[-1]
    assert second["In-Reply-To"] == answer_id
    assert second["References"].split() == [first_id, sent["Message-ID"], answer_id]


def test_a_case_tag_joins_the_named_case_only_from_its_buyers_address(inbox):
    inbox.deliver(mail(subject="第一件事")[1])
    poll()
    [older] = cases()
    newer = make_case(channel="email", subject="第二件事", customer={"external_id": f"email:{BUYER}", "email": BUYER})
    inbox.deliver(mail(subject=f"Re: 第一件事 [#{older.id}]", body="还是第一件事")[1])
    inbox.deliver(mail(subject=f"Re: 第一件事 [#{older.id}]", body="我不是这位买家", sender="someone@else.example")[1])
    report = poll()
    assert (report.joined, report.opened) == (1, 1)
    assert events(older.id)[-1].body == "还是第一件事"
    assert [e.body for e in events(newer.id)] == [newer.body]
    stranger = cases()[-1]
    assert stranger.id not in (older.id, newer.id) and stranger.subject == "第一件事"
    assert db.session.get(Customer, stranger.customer_id).email == "someone@else.example"


def test_an_answer_to_a_closed_case_opens_a_new_one(inbox):
    first_id, raw = mail()
    inbox.deliver(raw)
    poll()
    [case] = cases()
    for status in ("resolved", "closed"):
        change_status(case.id, status, PLATFORM, utcnow())
    inbox.deliver(mail(subject=f"Re: 快递到哪了？ [#{case.id}]", body="又有问题了", headers=(f"In-Reply-To: {first_id}",))[1])
    assert poll().opened == 1
    assert [c.status for c in cases()] == ["closed", "new"] and cases()[1].subject == "快递到哪了？"


def test_an_auto_reply_and_a_bounce_open_nothing(inbox):
    inbox.deliver(mail(subject="自动回复：不在办公室", headers=("Auto-Submitted: auto-replied",))[1])
    inbox.deliver(mail(subject="Undelivered Mail Returned to Sender", sender="MAILER-DAEMON@mx.example.com",
                       content_type="multipart/report; report-type=delivery-status; boundary=\"b\"",
                       body="--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--b--")[1])
    before = row_counts()
    report = poll()
    assert (report.fetched, report.automatic, report.opened, report.joined) == (2, 2, 0, 0)
    assert row_counts() == before
    assert poll().fetched == 0  # the position moved past them


def test_the_same_mail_polled_again_is_one_message(inbox):
    inbox.deliver(mail()[1])
    poll()
    db.session.execute(update(MailboxPosition).values(last_uid=0))  # as if the poll had crashed before moving on
    db.session.commit()
    before = row_counts()
    report = poll()
    assert (report.fetched, report.duplicate, report.opened) == (1, 1, 0)
    assert row_counts() == before


def test_an_html_only_mail_is_read_as_text(inbox):
    html = ("<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
            "<body><p>您好，<b>尺码</b>不对</p><p>能换吗？&lt;急&gt;</p></body></html>")
    inbox.deliver(mail(body=html, content_type="text/html")[1])
    poll()
    [case] = cases()
    assert events(case.id)[0].body == "您好，尺码不对\n\n能换吗？<急>"


def test_a_mail_without_text_is_still_a_message_and_a_mail_without_a_sender_is_skipped(inbox):
    inbox.deliver(mail(body="", subject="在吗")[1])
    _id, nobody = mail(body="谁写的？")
    inbox.deliver(nobody.replace(f"From: 李雷 <{BUYER}>\r\n".encode(), b""))
    inbox.deliver(mail(body="下一封照常", sender="han.meimei@example.com")[1])
    report = poll()
    assert (report.opened, report.joined, report.skipped) == (2, 0, 1)
    first, second = cases()
    assert (first.subject, events(first.id)[0].body) == ("在吗", gettext("(no text)"))
    assert events(second.id)[0].body == "下一封照常"
    assert poll().fetched == 0  # the skipped mail is not read again and again


def test_a_mailbox_that_refuses_the_login_records_why_and_the_next_poll_retries(inbox):
    inbox.deliver(mail()[1])
    before = row_counts()
    wrong = inbox.url.replace(PASSWORD, "wrong-password")
    report = poll(wrong)
    assert report.error and report.opened == 0 and "wrong-password" not in report.error
    assert row_counts() == before
    stuck = position()
    assert stuck.last_error == report.error and stuck.last_uid == 0 and stuck.polled_at is not None
    assert poll().opened == 1
    assert position().last_error is None and position().id == stuck.id


def test_flask_mail_poll_prints_the_report(app, inbox):
    inbox.deliver(mail()[1])
    result = app.test_cli_runner().invoke(args=["mail", "poll"])
    assert result.exit_code == 0, result.output
    assert "fetched=1, opened=1, joined=0" in result.output
    assert len(cases()) == 1


def test_a_reply_on_a_chat_case_is_not_an_email(app):
    case = make_case(channel="chat")
    reply(case.id, "好的", PLATFORM, utcnow() + timedelta(minutes=1), mail_domain="shop.example.com", outbox_channel="manual")
    queued = db.session.scalar(select(OutboxMessage))
    assert queued.headers is None and queued.channel != "email" and events(case.id)[-1].external_id is None


def test_a_reply_through_the_api_ends_its_message_id_with_the_shops_domain(app, inbox, smtp):
    inbox.deliver(mail()[1])
    poll()
    [case] = cases()
    answer = app.test_client().post(f"/api/v1/cases/{case.id}/replies", json={"body": "好的"},
                                    headers={"Authorization": f"Bearer {make_token('bot')}"})
    assert answer.status_code == 201, answer.json
    drain(utcnow(), worker="w1")
    assert smtp.messages[0]["Message-ID"].endswith("@shop.example.com>")
