"""An e-mailed reply's thread headers (pure), the mail built with them, and SHOPCS_IMAP_URL checked at start."""
from datetime import datetime, timezone

import pytest

from shopcs.config import ConfigError, load_config
from shopcs.notify.channels import Envelope, build_email
from shopcs.notify.mail_headers import bare_subject, mail_domain, new_message_id, reply_headers, reply_subject


def test_the_subject_loses_reply_prefixes_and_old_tags_and_gains_the_case_tag():
    assert bare_subject("Re: 回复：RE: 快递到哪了？ [#12]") == "快递到哪了？"
    assert reply_subject("Fwd: 尺码不对", 34) == "Re: 尺码不对 [#34]"
    assert reply_subject("", 5) == "Re: [#5]"


def test_a_subject_with_line_breaks_becomes_one_line():
    assert reply_subject("快递\r\nBcc: victim@example.com", 7) == "Re: 快递 Bcc: victim@example.com [#7]"


def test_our_message_ids_are_unguessable_and_end_with_the_shops_domain():
    first, second = new_message_id(3, 9, "shop.example.com"), new_message_id(3, 9, "shop.example.com")
    assert first != second and first.startswith("<shopcs.3.9.") and first.endswith("@shop.example.com>")
    assert mail_domain("好店客服 <service@shop.example.com>") == "shop.example.com"
    assert mail_domain("") == "localhost"


def test_a_reply_answers_the_buyers_latest_mail_and_references_the_thread():
    headers = reply_headers(case_id=8, subject="快递", message_id="<ours@shop>", thread=["<a@x>", "<b@shop>", "<c@x>"],
                            buyer_latest="<c@x>")
    assert headers == {"Message-ID": "<ours@shop>", "Subject": "Re: 快递 [#8]", "In-Reply-To": "<c@x>",
                       "References": "<a@x> <b@shop> <c@x>"}


def test_a_long_thread_keeps_its_first_mail_and_the_latest_ones():
    thread = [f"<m{n}@x>" for n in range(30)]
    references = reply_headers(case_id=1, subject="s", message_id="<o@s>", thread=thread, buyer_latest=None)["References"]
    assert references.split() == [thread[0], *thread[-19:]]


def test_a_case_without_the_buyers_mail_id_has_no_in_reply_to():
    assert "In-Reply-To" not in reply_headers(case_id=1, subject="s", message_id="<o@s>", thread=[], buyer_latest=None)


def test_ids_that_are_no_message_id_stay_out_of_the_headers():
    headers = reply_headers(case_id=1, subject="s", message_id="<o@s>", thread=["msg-1", "<a@x>\r\nBcc: x", "<b@x>"],
                            buyer_latest="msg-1")
    assert headers["References"] == "<b@x>" and "In-Reply-To" not in headers


def test_the_mail_carries_the_replys_own_headers():
    envelope = Envelope(id=5, kind="case_reply", channel="email", body="好的", email="li@example.com",
                        scheduled_for=datetime(2026, 3, 4, tzinfo=timezone.utc),
                        headers={"Message-ID": "<ours@shop>", "Subject": "Re: 快递 [#8]", "In-Reply-To": "<c@x>",
                                 "References": "<a@x> <c@x>"})
    mail = build_email(envelope, "shop@shop.example.com")
    assert (mail["Message-ID"], mail["Subject"], mail["In-Reply-To"], mail["References"]) == (
        "<ours@shop>", "Re: 快递 [#8]", "<c@x>", "<a@x> <c@x>")
    plain = build_email(Envelope(id=5, kind="case_reply", channel="email", body="好的", email="li@example.com",
                                 scheduled_for=datetime(2026, 3, 4, tzinfo=timezone.utc)), "shop@shop.example.com")
    assert plain["Message-ID"] == "<outbox-5@shop.example.com>" and plain["In-Reply-To"] is None


def test_a_bad_imap_url_stops_the_app_at_start_without_showing_the_password():
    assert load_config("/tmp", env={})["SHOPCS_IMAP_URL"] == ""
    url = "imaps://shop:secret@imap.example.com/INBOX"
    assert load_config("/tmp", env={"SHOPCS_IMAP_URL": url})["SHOPCS_IMAP_URL"] == url
    with pytest.raises(ConfigError, match="imaps://") as refused:
        load_config("/tmp", env={"SHOPCS_IMAP_URL": "imap://shop:secret@imap.example.com/INBOX"})
    assert "secret" not in str(refused.value)
