"""SHOPCS_IMAP_URL read into a Mailbox (no network)."""
import pytest

from shopcs.mailbox_url import Mailbox


def test_an_imaps_url_with_an_encoded_password_and_folder():
    box = Mailbox.from_url("imaps://service%40shop.cn:p%40ss%3Aword@imap.example.com/%E5%AE%A2%E6%9C%8D")
    assert box == Mailbox(True, "imap.example.com", 993, "service@shop.cn", "p@ss:word", "客服")


def test_plain_imap_only_on_this_machine_and_inbox_by_default():
    assert Mailbox.from_url("imap://u:p@127.0.0.1:1143").folder == "INBOX"
    with pytest.raises(ValueError, match="imaps://"):
        Mailbox.from_url("imap://u:p@imap.example.com/INBOX")


@pytest.mark.parametrize("url", ["", "http://u:p@h/INBOX", "imaps://h/INBOX", "imaps://u@h/INBOX",
                                 "imaps://u:p@h:notaport/INBOX"])
def test_a_bad_url_says_what_is_wrong_without_the_password(url):
    with pytest.raises(ValueError) as refused:
        Mailbox.from_url(url)
    assert ":p@" not in str(refused.value)
