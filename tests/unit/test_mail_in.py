"""Reading a buyer's e-mail (shopcs.conversations.mail_in): no database, real MIME built with the standard library."""
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from shopcs.conversations.mail_in import BODY_MAX, case_tag, html_to_text, parse_mail, without_quotation


def _mail(body="我的包裹到哪了？", subject="订单 T1001 查询", **headers) -> bytes:
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "张伟 <zhang.wei@example.cn>")
    mail["To"] = "service@shop.example"
    mail["Subject"] = subject
    mail["Message-ID"] = headers.pop("Message_ID", "<m1@example.cn>")
    mail["Date"] = "Mon, 07 Dec 2026 10:00:00 +0800"
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail.as_bytes()


def test_a_plain_chinese_mail_is_read_with_its_sender_subject_id_and_time():
    mail = parse_mail(_mail())
    assert (mail.from_name, mail.from_address) == ("张伟", "zhang.wei@example.cn")
    assert mail.subject == "订单 T1001 查询" and mail.text == "我的包裹到哪了？"
    assert mail.message_id == "<m1@example.cn>" and mail.thread_ids == () and mail.case_tag is None
    assert mail.sent_at.isoformat() == "2026-12-07T10:00:00+08:00"
    assert not mail.automatic


def test_a_reply_names_the_mails_it_answers_newest_first_and_the_case_tag():
    mail = parse_mail(_mail(subject="Re: [#42] 退款", In_Reply_To="<r2@shop.example>",
                            References="<r0@shop.example> <r1@shop.example> <r2@shop.example>"))
    assert mail.thread_ids == ("<r2@shop.example>", "<r1@shop.example>", "<r0@shop.example>")
    assert mail.case_tag == 42


def test_a_case_tag_out_of_range_or_zero_is_no_tag():
    assert case_tag("[#0] hi") is None and case_tag("[#99999999999] hi") is None and case_tag("[#7]") == 7


def test_html_only_mail_is_read_as_text_without_scripts_styles_or_markup():
    outer = MIMEMultipart("alternative")
    outer["From"], outer["Subject"], outer["Message-ID"] = "buyer@example.com", "hello", "<h@example.com>"
    outer.attach(MIMEText("<html><head><style>p{color:red}</style><title>x</title></head><body><p>Where is "
                          "<b>my&nbsp;parcel</b>?</p><script>alert(1)</script><div>Order T1001<br>Thanks</div>"
                          "<img src=x onerror=alert(2)></body></html>", "html", "utf-8"))
    text = parse_mail(outer.as_bytes()).text
    assert text == "Where is my parcel?\n\nOrder T1001\nThanks"
    assert "alert" not in text and "<" not in text and "color" not in text


def test_the_plain_part_is_preferred_to_the_html_part():
    outer = MIMEMultipart("alternative")
    outer["From"], outer["Subject"] = "buyer@example.com", "hello"
    outer.attach(MIMEText("plain words", "plain", "utf-8"))
    outer.attach(MIMEText("<p>html words</p>", "html", "utf-8"))
    assert parse_mail(outer.as_bytes()).text == "plain words"


def test_a_reply_keeps_only_what_is_new_above_the_quotation():
    assert without_quotation("Still nothing.\n\nOn Mon, 7 Dec 2026 Shop wrote:\n> Shipped today") == "Still nothing."
    assert without_quotation("还没收到\n在 2026年12月7日 客服 写道：\n已发货") == "还没收到"
    assert without_quotation("ok\n-----Original Message-----\nFrom: shop") == "ok"
    assert without_quotation("> all quoted\n> still") == "> all quoted\n> still"  # nothing new above: kept whole


def test_auto_replies_bounces_and_mailings_are_marked_automatic():
    assert parse_mail(_mail(Auto_Submitted="auto-replied")).automatic
    assert not parse_mail(_mail(Auto_Submitted="no")).automatic
    assert parse_mail(_mail(Precedence="bulk")).automatic
    assert parse_mail(_mail(X_Autoreply="yes")).automatic
    assert parse_mail(_mail(From="MAILER-DAEMON@mx.example.com")).automatic
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"], report["Subject"] = "mx@example.com", "Undelivered"
    report.attach(MIMEText("could not deliver", "plain"))
    assert parse_mail(report.as_bytes()).automatic


def test_a_long_mail_is_cut_with_a_mark_and_a_broken_charset_is_read_not_refused():
    assert len(parse_mail(_mail(body="字" * (BODY_MAX + 50))).text) == BODY_MAX
    raw = (b"From: a@example.com\r\nSubject: x\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\n"
           b"hello \xff world\r\n")
    assert parse_mail(raw).text.startswith("hello")


def test_garbage_headers_give_empty_values_not_errors():
    mail = parse_mail(b"From: \r\nDate: not a date\r\nMessage-ID: no brackets\r\n\r\nbody")
    assert (mail.from_address, mail.message_id, mail.sent_at, mail.text) == ("", None, None, "body")


def test_html_to_text_collapses_spaces_and_keeps_paragraphs():
    assert html_to_text("<p>a   b</p>\n\n\n<p>c</p>") == "a b\n\nc"
